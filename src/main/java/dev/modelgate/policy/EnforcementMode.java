package dev.modelgate.policy;

import java.util.Locale;

/** The namespace's {@code modelgate.dev/mode}: what a violation does. */
public enum EnforcementMode {
    /** Refuse the object. */
    ENFORCE,
    /** Admit it with warnings shown to the client. */
    WARN,
    /** Admit it silently; record an Event and a metric. */
    AUDIT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** From a label value; throws naming the accepted values. */
    public static EnforcementMode parse(String value) {
        for (EnforcementMode m : values()) {
            if (m.label().equals(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("mode '" + value + "' is not one of enforce, warn, audit");
    }
}
