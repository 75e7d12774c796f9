package dev.modelgate.oci;

/**
 * A registry or artifact problem, as one sentence naming the reference (and the file, when there is one), what
 * went wrong and the fix. {@link Kind} says how callers treat it: the CLI maps it to its exit codes.
 */
public final class OciException extends Exception {

    public enum Kind {
        /** The bytes are not the approved ones: a blob or manifest whose digest or size differs, a missing file. */
        MISMATCH(1),
        /** The reference, the artifact's layout or the configuration cannot be used: nothing was judged. */
        BAD_INPUT(2),
        /** The registry could not be reached, refused the credentials, or answered what it should not. */
        TRANSPORT(3);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;
    private final boolean missing;

    public OciException(Kind kind, String message) {
        super(message);
        this.kind = kind;
        this.missing = false;
    }

    private OciException(String message) {
        super(message);
        this.kind = Kind.BAD_INPUT;
        this.missing = true;
    }

    /** The registry answered 404 for the manifest (or its repository): a {@link Kind#BAD_INPUT} marked as missing. */
    public static OciException missingManifest(String message) {
        return new OciException(message);
    }

    /** Whether the registry said the manifest does not exist (as opposed to any other failure). */
    public boolean missing() {
        return missing;
    }

    public OciException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.missing = false;
    }

    public Kind kind() {
        return kind;
    }
}
