package dev.modelgate.policy;

import java.util.Locale;

/** What an overdue review does at admission: warn (default) or deny. */
public enum ReviewOverdueAction {
    WARN,
    DENY;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ReviewOverdueAction parse(String value) {
        for (ReviewOverdueAction a : values()) {
            if (a.label().equals(value)) {
                return a;
            }
        }
        throw new IllegalArgumentException("review-overdue action '" + value + "' is not one of warn, deny");
    }
}
