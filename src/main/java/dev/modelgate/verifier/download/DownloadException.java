package dev.modelgate.verifier.download;

import dev.modelgate.verifier.ReasonCode;

/**
 * A download that did not put the declared bytes under the final name. {@code transientFailure} marks what a
 * retry may cure (connection lost, 5xx, 408, 429); {@code bytes} is how much arrived before it failed.
 */
public final class DownloadException extends Exception {

    private final ReasonCode code;
    private final boolean transientFailure;

    public DownloadException(ReasonCode code, String message, boolean transientFailure) {
        super(message);
        this.code = code;
        this.transientFailure = transientFailure;
    }

    public DownloadException(ReasonCode code, String message) {
        this(code, message, false);
    }

    public ReasonCode code() {
        return code;
    }

    public boolean transientFailure() {
        return transientFailure;
    }
}
