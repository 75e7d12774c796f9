package dev.modelgate.cli;

import dev.modelgate.integrity.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Turns failures into one sentence on stderr and the exit codes of DESIGN.md: bad input 2, I/O 3.
 * Anything unexpected is also a refusal (2), never a silent success.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
        int code;
        String message;
        if (ex instanceof BadInputException || ex instanceof IllegalArgumentException) {
            code = Outcome.BAD_INPUT.exitCode();
            message = ex.getMessage();
        } else if (ex instanceof java.nio.file.FileSystemException f) {
            code = Outcome.IO_FAILURE.exitCode();
            message = fileProblem(f);
        } else if (ex instanceof UncheckedIOException u && u.getCause() instanceof java.nio.file.FileSystemException f) {
            code = Outcome.IO_FAILURE.exitCode();
            message = fileProblem(f);
        } else if (ex instanceof IOException || ex instanceof UncheckedIOException) {
            code = Outcome.IO_FAILURE.exitCode();
            message = ex.getMessage();
        } else {
            code = Outcome.BAD_INPUT.exitCode();
            message = "internal error (" + ex + "); nothing was verified";
        }
        if (jsonRequested(parseResult)) {
            // A pipeline reading --json output gets the error as JSON too, on stdout where it reads.
            java.util.Map<String, Object> line = new java.util.LinkedHashMap<>();
            line.put("event", "error");
            line.put("result", "error");
            line.put("exitCode", code);
            line.put("reason", message);
            cl.getOut().println(Json.line(line));
            cl.getOut().flush();
        }
        cl.getErr().println(prefix(cl) + message);
        if (System.getenv("MODELGATE_DEBUG") != null) {
            ex.printStackTrace(cl.getErr());
        }
        return code;
    }

    /** "modelgate: " at the top level, "modelgate verify: " for a command. */
    static String prefix(CommandLine cl) {
        return cl.getParent() == null ? "modelgate: " : "modelgate " + cl.getCommandName() + ": ";
    }

    private static boolean jsonRequested(CommandLine.ParseResult pr) {
        CommandLine.ParseResult last = pr;
        while (last != null && last.subcommand() != null) {
            last = last.subcommand();
        }
        return last != null && last.hasMatchedOption("--json");
    }

    /** The file and why it could not be used, in words (the JDK's exceptions name only the path). */
    static String fileProblem(java.nio.file.FileSystemException e) {
        String why;
        if (e instanceof java.nio.file.AccessDeniedException) {
            why = "permission denied";
        } else if (e instanceof java.nio.file.NoSuchFileException) {
            why = "no such file or folder";
        } else if (e instanceof java.nio.file.FileAlreadyExistsException) {
            why = "exists already";
        } else if (e instanceof java.nio.file.NotDirectoryException) {
            why = "not a folder";
        } else {
            why = e.getReason() == null ? "file system error" : e.getReason();
        }
        return e.getFile() + ": cannot be used (" + why + ")";
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        cl.getErr().println(prefix(cl) + ex.getMessage());
        cl.getErr().println("Try 'modelgate " + (cl.getParent() == null ? "" : cl.getCommandName() + " ") + "--help'.");
        return Outcome.BAD_INPUT.exitCode();
    }
}
