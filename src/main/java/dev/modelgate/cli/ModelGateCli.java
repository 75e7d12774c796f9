package dev.modelgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code modelgate}: the engine's command-line front door for people and CI pipelines. Plain Java and
 * picocli, no framework start-up, so it is fast enough to run as an init-container.
 */
@Command(name = "modelgate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Keeps unapproved, tampered or booby-trapped ML models out of Kubernetes workloads.",
        subcommands = {
                ScanCommand.class,
                HashCommand.class,
                ApproveCommand.class,
                VerifyCommand.class,
                VerifyPodCommand.class,
                CheckCommand.class,
                KeygenCommand.class,
                SignCommand.class,
                DemoCommand.class,
                CommandLine.HelpCommand.class,
                picocli.AutoComplete.GenerateCompletion.class
        },
        footerHeading = "%nExit codes:%n",
        footer = {
                "  0  ok",
                "  1  verification failed (the files are not the approved ones)",
                "  2  bad input or configuration (nothing was verified)",
                "  3  download or I/O failure (the files could not be judged)"})
public final class ModelGateCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("verify-pod")) {
            // On every model pod's start path: skip picocli's model of all commands (see VerifyPodCommand.runDirect).
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            java.io.PrintWriter out = new java.io.PrintWriter(System.out, true);
            java.io.PrintWriter err = new java.io.PrintWriter(System.err, true);
            Integer code = VerifyPodCommand.runDirect(rest, out, err);
            System.exit(code != null ? code : verifyPodCommandLine().execute(rest));
        }
        System.exit(commandLine().execute(args));
    }

    /**
     * {@code verify-pod} alone, for what {@link VerifyPodCommand#runDirect} leaves to picocli (help, bad
     * options): picocli builds the model of every registered command up front, so only this one is built.
     */
    static CommandLine verifyPodCommandLine() {
        CommandLine cl = new CommandLine(new VerifyPodCommand());
        cl.setExecutionExceptionHandler(new CliErrors());
        cl.setParameterExceptionHandler(new CliErrors());
        return cl;
    }

    /** The configured command line; tests call {@code execute} on it in-process. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ModelGateCli());
        cl.setExecutionExceptionHandler(new CliErrors());
        cl.setParameterExceptionHandler(new CliErrors());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // The completion script generator is a hidden helper: `modelgate generate-completion > ~/.modelgate.bash`.
        // Every command answers --version with the CLI's version (picocli asks each command for its own provider).
        VersionProvider version = new VersionProvider();
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().versionProvider() == null) {
                sub.getCommandSpec().versionProvider(version);
            }
        }
        CommandLine gen = cl.getSubcommands().get("generate-completion");
        gen.getCommandSpec().usageMessage().hidden(true);
        return cl;
    }
}
