package dev.modelgate.operator;

import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.policy.SourceVerdict;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which audit rules a model's verdict breaks, with the sentence each pod report carries. Model-wide rules only;
 * {@link AuditRule#VERIFICATION_FAILED} and {@link AuditRule#VERIFIER_ALTERED} belong to one pod and are added by
 * the reconciler.
 *
 * <p>Key rules fire only when the source has lost trust because of its keys (no valid key left, a CA expired): a
 * source that rotates one key out of several stays Ready, and its models' signatures are re-checked by the
 * verifier at every pod start, so reporting every pod on every rotation would only be noise.
 */
public final class AuditRules {

    private AuditRules() {
    }

    /** Rule to message, in a stable order. {@code source} may be null (the source does not exist). */
    public static Map<AuditRule, String> broken(String modelName, ModelVerdict model, SourceVerdict source) {
        Map<AuditRule, String> out = new LinkedHashMap<>();
        if (model.revoked()) {
            out.put(AuditRule.REVOKED, model.message());
        }
        if (model.reviewDue()) {
            String review = model.conditions().stream().filter(c -> "ReviewDue".equals(c.getType()))
                    .map(c -> c.getMessage()).findFirst().orElse("the review is overdue");
            out.put(AuditRule.REVIEW_DUE, "TrustedModel " + modelName + ": " + review);
        }
        if (source != null && !source.ready()) {
            if ("NoValidKeys".equals(source.reason()) && source.revokedKeys() > 0) {
                out.put(AuditRule.KEY_REVOKED, "TrustedModel " + modelName + " is no longer trusted: "
                        + source.message());
            } else if ("NoValidKeys".equals(source.reason()) && source.expiredKeys() > 0) {
                out.put(AuditRule.KEY_EXPIRED, "TrustedModel " + modelName + " is no longer trusted: "
                        + source.message());
            } else if ("CertificateExpired".equals(source.reason())) {
                out.put(AuditRule.KEY_EXPIRED,
                        "TrustedModel " + modelName + " is no longer trusted: " + source.message());
            }
        }
        return out;
    }
}
