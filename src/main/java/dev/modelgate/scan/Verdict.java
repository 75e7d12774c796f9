package dev.modelgate.scan;

import java.util.Locale;

/**
 * The one-word answer for a file or archive member. Any CRITICAL or HIGH finding makes it {@code malicious};
 * otherwise a file that could not be parsed is {@code invalid}; otherwise any MEDIUM finding makes it
 * {@code suspicious}; otherwise it is {@code benign}.
 */
public enum Verdict {
    MALICIOUS, INVALID, SUSPICIOUS, BENIGN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The worse of two verdicts, in the order above. */
    public Verdict worst(Verdict other) {
        return compareTo(other) <= 0 ? this : other;
    }
}
