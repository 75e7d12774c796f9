package dev.modelgate.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where a private key's passphrase comes from, for {@code keygen} and {@code sign}: a file (first line, the
 * trailing newline removed), an environment variable, or the terminal. Never a command-line argument: those
 * end up in shell history and in {@code ps}.
 */
final class Passphrases {

    /** The variable read when no file is given. */
    static final String DEFAULT_ENV = "MODELGATE_KEY_PASSPHRASE";

    /** Tests replace this to simulate the environment. */
    static Function<String, String> environment = System::getenv;

    private Passphrases() {
    }

    /**
     * The passphrase, or null when none was given and there is no terminal to ask. {@code confirm} asks twice on
     * a terminal (for a new key).
     */
    static char[] read(Path file, String envName, boolean confirm) {
        if (file != null) {
            String s;
            try {
                s = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new BadInputException("--passphrase-file " + file + ": cannot be read (" + e.getMessage() + ")");
            }
            int nl = s.indexOf('\n');
            if (nl >= 0) {
                s = s.substring(0, nl);
            }
            if (s.endsWith("\r")) {
                s = s.substring(0, s.length() - 1);
            }
            if (s.isEmpty()) {
                throw new BadInputException("--passphrase-file " + file + ": is empty");
            }
            return s.toCharArray();
        }
        String env = environment.apply(envName == null ? DEFAULT_ENV : envName);
        if (env != null && !env.isEmpty()) {
            return env.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            return null;
        }
        char[] first = console.readPassword("Passphrase for the private key: ");
        if (first == null || first.length == 0) {
            return null;
        }
        if (confirm) {
            char[] again = console.readPassword("Same passphrase again: ");
            if (again == null || !java.util.Arrays.equals(first, again)) {
                throw new BadInputException("the two passphrases differ");
            }
        }
        return first;
    }
}
