package dev.modelgate.operator;

/**
 * One active pod that breaks one audit rule through one model: a PolicyReport result and, when first seen, a
 * Warning Event on the pod.
 */
public record PodFinding(String namespace, String pod, String podUid, String model, AuditRule rule,
        String message) {

    /** Identity of the finding: the same pod, model and rule is the same finding whatever the message says. */
    public String key() {
        return namespace + "/" + pod + "/" + podUid + "/" + model + "/" + rule.rule();
    }
}
