package dev.modelgate.operator;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Security-relevant changes, logged with a stable {@code event} MDC field (the prod profile's JSON line carries it as
 * {@code mdc.event}) so log pipelines can alert on them without parsing sentences. The names are listed in docs/operator.md;
 * renaming one is a breaking change.
 */
public final class SecurityLog {

    public static final String MODEL_REVOKED = "model-revoked";
    public static final String MODEL_REVIEW_DUE = "model-review-due";
    public static final String MODEL_UNTRUSTED = "model-source-untrusted";
    public static final String SOURCE_NOT_READY = "source-not-ready";
    public static final String SOURCE_REVIEW_DUE = "source-review-due";
    public static final String KEY_REVOKED = "key-revoked";
    public static final String KEY_EXPIRED = "key-expired";
    public static final String VERIFICATION_FAILED = "verification-failed";
    public static final String POD_AUDIT_FINDING = "pod-audit-finding";

    private static final Logger LOG = Logger.getLogger("dev.modelgate.security");

    private SecurityLog() {
    }

    public static void warn(String event, String message) {
        MDC.put("event", event);
        try {
            LOG.warn(message);
        } finally {
            MDC.remove("event");
        }
    }
}
