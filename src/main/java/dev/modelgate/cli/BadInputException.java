package dev.modelgate.cli;

/** Input the command cannot work with (a malformed resource file, a bad option value): exit code 2. */
public final class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
