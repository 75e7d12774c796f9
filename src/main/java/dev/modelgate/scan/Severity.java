package dev.modelgate.scan;

/** How bad a finding is. Declared from worst to mildest, so {@code compareTo < 0} means "worse". */
public enum Severity {
    CRITICAL, HIGH, MEDIUM, LOW;

    /** True when this severity is at least as bad as {@code threshold}. */
    public boolean atLeast(Severity threshold) {
        return compareTo(threshold) <= 0;
    }
}
