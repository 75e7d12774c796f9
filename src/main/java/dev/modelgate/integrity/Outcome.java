package dev.modelgate.integrity;

/**
 * What a run of the engine amounts to, and the process exit code for it (DESIGN.md: 0 ok,
 * 1 verification failed, 2 bad input or configuration, 3 download or I/O failure).
 */
public enum Outcome {
    OK(0),
    VERIFICATION_FAILED(1),
    BAD_INPUT(2),
    IO_FAILURE(3);

    private final int exitCode;

    Outcome(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /**
     * Combines two outcomes. Bad input wins (nothing could be judged), then a proven verification
     * failure (the model is bad whatever else happened), then I/O trouble (the model could not be judged).
     */
    public Outcome and(Outcome other) {
        return rank() >= other.rank() ? this : other;
    }

    private int rank() {
        return switch (this) {
            case OK -> 0;
            case IO_FAILURE -> 1;
            case VERIFICATION_FAILED -> 2;
            case BAD_INPUT -> 3;
        };
    }
}
