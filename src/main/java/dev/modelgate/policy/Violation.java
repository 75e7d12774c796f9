package dev.modelgate.policy;

/**
 * One broken rule. {@code message} is one sentence naming the object, the model (or volume, claim, label), the
 * rule and the fix; it is what the client sees.
 *
 * @param rule    the rule
 * @param subject the model, volume, claim or label at fault (for metrics and Events)
 * @param message the sentence shown to people
 * @param warning true when the rule only warns (an overdue review under the default action)
 */
public record Violation(PodRule rule, String subject, String message, boolean warning) {

    static Violation deny(PodRule rule, String subject, String message) {
        return new Violation(rule, subject, message, false);
    }

    static Violation warn(PodRule rule, String subject, String message) {
        return new Violation(rule, subject, message, true);
    }
}
