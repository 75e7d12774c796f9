package dev.modelgate.operator;

import dev.modelgate.api.v1alpha1.Condition;
import dev.modelgate.api.v1alpha1.ConditionType;
import dev.modelgate.api.v1alpha1.ModelSourceStatus;
import dev.modelgate.api.v1alpha1.ScanSpec;
import dev.modelgate.api.v1alpha1.TrustedModelStatus;
import dev.modelgate.api.v1alpha1.VerificationFailure;
import dev.modelgate.policy.Conditions;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.policy.SourceVerdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The statuses the reconcilers write, as pure functions of the previous status, the judges' verdict and what the
 * cluster shows. Same inputs, same status: {@code lastTransitionTime} moves only when a condition's status does, so
 * a restarted operator rewrites nothing.
 */
public final class Statuses {

    private Statuses() {
    }

    public static ModelSourceStatus source(ModelSourceStatus previous, SourceVerdict verdict, int models,
            Instant now, Long generation) {
        ModelSourceStatus s = new ModelSourceStatus();
        s.setObservedGeneration(generation);
        s.setConditions(Conditions.merge(previous == null ? null : previous.getConditions(), verdict.conditions(),
                now, generation));
        s.setValidKeys(verdict.validKeys());
        s.setRevokedKeys(verdict.revokedKeys());
        s.setExpiredKeys(verdict.expiredKeys());
        s.setModels(models);
        return s;
    }

    public static TrustedModelStatus model(TrustedModelStatus previous, ModelVerdict verdict, int pods,
            VerificationFailure lastFailure, Instant now, Long generation) {
        return model(previous, verdict, null, Optional.empty(), pods, lastFailure, now, generation);
    }

    /** As above, with the ArtifactAvailable condition of an OCI model appended (it never changes Ready). */
    public static TrustedModelStatus model(TrustedModelStatus previous, ModelVerdict verdict,
            Optional<Condition> artifact, int pods, VerificationFailure lastFailure, Instant now, Long generation) {
        return model(previous, verdict, null, artifact, pods, lastFailure, now, generation);
    }

    /** The full status: the verdict, the reviewed scan exceptions, and an OCI model's ArtifactAvailable condition. */
    public static TrustedModelStatus model(TrustedModelStatus previous, ModelVerdict verdict, ScanSpec scan,
            Optional<Condition> artifact, int pods, VerificationFailure lastFailure, Instant now, Long generation) {
        TrustedModelStatus s = new TrustedModelStatus();
        s.setObservedGeneration(generation);
        List<Condition> drafts = new java.util.ArrayList<>(verdict.conditions());
        artifact.ifPresent(drafts::add);
        s.setConditions(Conditions.merge(previous == null ? null : previous.getConditions(), drafts,
                now, generation));
        s.setManifestDigest(verdict.manifestDigest());
        s.setFileCount(verdict.fileCount());
        s.setPods(pods);
        s.setScanExceptions(scanExceptions(scan));
        s.setLastVerificationFailure(lastFailure);
        return s;
    }

    /**
     * The reviewed scan exceptions as one short phrase, e.g. "2 allowed globals, 1 reviewed code file", or null when
     * there are none. A count, not the lists: it stays readable in a printer column, and spec.scan holds the entries.
     */
    public static String scanExceptions(ScanSpec scan) {
        if (scan == null) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        int globals = scan.getAllowGlobals().size();
        int code = scan.getAllowCode().size();
        if (globals > 0) {
            parts.add(globals + (globals == 1 ? " allowed global" : " allowed globals"));
        }
        if (code > 0) {
            parts.add(code + (code == 1 ? " reviewed code file" : " reviewed code files"));
        }
        return parts.isEmpty() ? null : String.join(", ", parts);
    }

    /**
     * Fail closed: the status written when judging itself failed. Ready is False with reason ReconcileError, so
     * admission (which reads the same judges, and Ready) never treats an undecided model as approved.
     */
    public static TrustedModelStatus modelError(TrustedModelStatus previous, String modelKey, Exception e,
            Instant now, Long generation) {
        TrustedModelStatus s = new TrustedModelStatus();
        s.setObservedGeneration(generation);
        s.setConditions(Conditions.merge(previous == null ? null : previous.getConditions(),
                List.of(Conditions.draft(ConditionType.READY, false, "ReconcileError", "TrustedModel " + modelKey
                        + " could not be evaluated (" + e + "); the operator retries, check its log")),
                now, generation));
        if (previous != null) {
            // the registry check is independent of the failed judgement: keep its last answer
            Condition.find(previous.getConditions(), ConditionType.ARTIFACT_AVAILABLE).ifPresent(s.getConditions()::add);
            s.setPods(previous.getPods());
            s.setScanExceptions(previous.getScanExceptions());
            s.setLastVerificationFailure(previous.getLastVerificationFailure());
        }
        return s;
    }

    /** Whether condition {@code type} turned True between the two condition lists. */
    public static boolean turnedTrue(List<Condition> before, List<Condition> after, String type) {
        return !Conditions.isTrue(before, type) && Conditions.isTrue(after, type);
    }

    /** Whether condition {@code type} turned False (or appeared False after being True). */
    public static boolean turnedFalse(List<Condition> before, List<Condition> after, String type) {
        return Conditions.isTrue(before, type) && !Conditions.isTrue(after, type);
    }

    /**
     * How long to wait before the verdict changes by time alone; the reconciler reschedules itself for exactly that
     * moment (no polling). A moment already past means "now".
     */
    public static Optional<Duration> wakeUpIn(Optional<Instant> nextChange, Instant now) {
        return nextChange.map(t -> t.isAfter(now) ? Duration.between(now, t) : Duration.ZERO);
    }
}
