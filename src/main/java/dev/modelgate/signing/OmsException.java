package dev.modelgate.signing;

import dev.modelgate.integrity.Outcome;

/**
 * A signature could not be accepted, with one sentence saying why and the {@link Outcome} it amounts to:
 * {@link Outcome#BAD_INPUT} when the bundle (or a key file) cannot be read as what it claims to be, so nothing
 * was verified; {@link Outcome#VERIFICATION_FAILED} when it was read and judged, and found wanting.
 */
public final class OmsException extends Exception {

    private final Outcome outcome;

    public OmsException(Outcome outcome, String message) {
        super(message);
        this.outcome = outcome;
    }

    public OmsException(Outcome outcome, String message, Throwable cause) {
        super(message, cause);
        this.outcome = outcome;
    }

    /** Malformed or unsupported input: exit 2. */
    public static OmsException badInput(String message) {
        return new OmsException(Outcome.BAD_INPUT, message);
    }

    /** Read and judged, and refused: exit 1. */
    public static OmsException invalid(String message) {
        return new OmsException(Outcome.VERIFICATION_FAILED, message);
    }

    public Outcome outcome() {
        return outcome;
    }
}
