package dev.modelgate.policy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The outcome of judging one object: whether it is admitted, what the client is told, and what is recorded.
 *
 * @param allowed    the object is admitted
 * @param mode       the namespace's mode (null when the object was not judged: exempt or not opted in)
 * @param subject    "Pod comfyui/x", "Deployment comfyui/y" or "Namespace z"
 * @param violations every broken rule, denials and warnings alike
 * @param warnings   what the client is shown as warnings (warn mode, overdue reviews)
 * @param skipped    why the object was not judged, or null
 */
public record AdmissionDecision(boolean allowed, EnforcementMode mode, String subject, List<Violation> violations,
        List<String> warnings, String skipped) {

    public AdmissionDecision {
        violations = List.copyOf(violations);
        warnings = List.copyOf(warnings);
    }

    static AdmissionDecision skip(String subject, String why) {
        return new AdmissionDecision(true, null, subject, List.of(), List.of(), why);
    }

    /** Applies the mode to the rules broken: enforce refuses, warn admits with warnings, audit admits silently. */
    static AdmissionDecision of(String subject, EnforcementMode mode, List<Violation> violations,
            List<String> modeWarnings) {
        boolean anyDenial = violations.stream().anyMatch(v -> !v.warning());
        List<String> warnings = new java.util.ArrayList<>(modeWarnings);
        boolean allowed;
        switch (mode) {
            case ENFORCE -> {
                allowed = !anyDenial;
                violations.stream().filter(Violation::warning).map(Violation::message).forEach(warnings::add);
            }
            case WARN -> {
                allowed = true;
                violations.stream().map(Violation::message).forEach(warnings::add);
            }
            default -> allowed = true; // audit: recorded as an Event and a metric, not shown to the client
        }
        return new AdmissionDecision(allowed, mode, subject, violations, warnings, null);
    }

    /** A denial that does not depend on the namespace's mode (guards, internal errors). */
    static AdmissionDecision refuse(String subject, Violation v) {
        return new AdmissionDecision(false, EnforcementMode.ENFORCE, subject, List.of(v), List.of(), null);
    }

    /** The refusal text: every denial's sentence, in order. */
    public String message() {
        return violations.stream().filter(v -> !v.warning()).map(Violation::message)
                .collect(Collectors.joining(" "));
    }

    /** "allow", "warn" (admitted with something to say) or "deny". */
    public String verdict() {
        if (!allowed) {
            return "deny";
        }
        return violations.isEmpty() && warnings.isEmpty() ? "allow" : "warn";
    }
}
