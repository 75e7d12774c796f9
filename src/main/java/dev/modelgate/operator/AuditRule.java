package dev.modelgate.operator;

/**
 * Why a running pod is reported: the rule names of the PolicyReport results, the Event reasons on the pod and the
 * {@code rule} label of {@code modelgate_audit_findings_total}.
 */
public enum AuditRule {
    /** The model carries spec.revoked. */
    REVOKED("revoked", "fail", "ModelRevoked"),
    /** The model's (or its source's) review is overdue. */
    REVIEW_DUE("review-due", "warn", "ModelReviewDue"),
    /** The source lost its last valid key to revocation, so the model's signature can no longer be trusted. */
    KEY_REVOKED("key-revoked", "fail", "SigningKeyRevoked"),
    /** The source's keys or certificates expired, so the model's signature can no longer be trusted. */
    KEY_EXPIRED("key-expired", "fail", "SigningKeyExpired"),
    /** The pod does not run the verifier the mutating webhook injects (replaced, edited or missing). */
    VERIFIER_ALTERED("verifier-altered", "fail", "VerifierAltered"),
    /** The pod's verifier init-container failed. */
    VERIFICATION_FAILED("verification-failed", "fail", "VerificationFailed");

    private final String rule;
    private final String result;
    private final String eventReason;

    AuditRule(String rule, String result, String eventReason) {
        this.rule = rule;
        this.result = result;
        this.eventReason = eventReason;
    }

    /** The PolicyReport rule name. */
    public String rule() {
        return rule;
    }

    /** The PolicyReport result: {@code fail} or {@code warn}. */
    public String result() {
        return result;
    }

    /** The reason of the Warning Event on the pod. */
    public String eventReason() {
        return eventReason;
    }
}
