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
        } else if (ex instanceof IOException || ex instanceof UncheckedIOException) {
            code = Outcome.IO_FAILURE.exitCode();
            message = ex.getMessage();
        } else {
            code = Outcome.BAD_INPUT.exitCode();
            message = "internal error (" + ex + "); nothing was verified";
        }
        cl.getErr().println("modelgate " + cl.getCommandName() + ": " + message);
        if (System.getenv("MODELGATE_DEBUG") != null) {
            ex.printStackTrace(cl.getErr());
        }
        return code;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        cl.getErr().println("modelgate " + cl.getCommandName() + ": " + ex.getMessage());
        cl.getErr().println("Try 'modelgate " + (cl.getParent() == null ? "" : cl.getCommandName() + " ") + "--help'.");
        return Outcome.BAD_INPUT.exitCode();
    }
}
