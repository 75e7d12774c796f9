package dev.modelgate.policy;

import java.util.Optional;

/**
 * The objects whose pods the admission decision judges, and where each keeps its pod template. Pods are
 * judged as they are; the templates of workload controllers are judged when the workload is applied, so a bad
 * Deployment fails at {@code kubectl apply} instead of leaving a ReplicaSet that cannot create pods.
 */
public enum WorkloadKind {
    POD("", "Pod", "/metadata", "/spec"),
    DEPLOYMENT("apps", "Deployment", "/spec/template/metadata", "/spec/template/spec"),
    STATEFUL_SET("apps", "StatefulSet", "/spec/template/metadata", "/spec/template/spec"),
    DAEMON_SET("apps", "DaemonSet", "/spec/template/metadata", "/spec/template/spec"),
    REPLICA_SET("apps", "ReplicaSet", "/spec/template/metadata", "/spec/template/spec"),
    JOB("batch", "Job", "/spec/template/metadata", "/spec/template/spec"),
    CRON_JOB("batch", "CronJob", "/spec/jobTemplate/spec/template/metadata", "/spec/jobTemplate/spec/template/spec");

    private final String group;
    private final String kind;
    private final String metadataPointer;
    private final String specPointer;

    WorkloadKind(String group, String kind, String metadataPointer, String specPointer) {
        this.group = group;
        this.kind = kind;
        this.metadataPointer = metadataPointer;
        this.specPointer = specPointer;
    }

    public String group() {
        return group;
    }

    public String kind() {
        return kind;
    }

    /** JSON pointer of the pod (template) metadata inside the object. */
    public String metadataPointer() {
        return metadataPointer;
    }

    /** JSON pointer of the pod spec inside the object. */
    public String specPointer() {
        return specPointer;
    }

    public boolean isPod() {
        return this == POD;
    }

    /** The kind for an API group (empty for core) and kind, if it is one ModelGate judges. */
    public static Optional<WorkloadKind> of(String group, String kind) {
        String g = group == null ? "" : group;
        for (WorkloadKind k : values()) {
            if (k.group.equals(g) && k.kind.equals(kind)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** From a manifest's {@code apiVersion} ({@code apps/v1}, {@code v1}) and {@code kind}. */
    public static Optional<WorkloadKind> ofApiVersion(String apiVersion, String kind) {
        if (apiVersion == null) {
            return Optional.empty();
        }
        int slash = apiVersion.indexOf('/');
        return of(slash < 0 ? "" : apiVersion.substring(0, slash), kind);
    }
}
