package dev.modelgate.operator;

import dev.modelgate.api.v1alpha1.ConditionType;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.ModelSourceStatus;
import dev.modelgate.policy.SourceVerdict;
import dev.modelgate.policy.VerdictCache;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Keeps every ModelSource's status: the verdict of {@link dev.modelgate.policy.SourceJudge} (every key and certificate parsed; a bad one
 * makes the source not Ready, naming it), key counts, and how many TrustedModels name it. Reschedules itself for the
 * moment a key or certificate expires or the review falls due.
 */
@ControllerConfiguration(name = ModelSourceReconciler.NAME)
public class ModelSourceReconciler implements Reconciler<ModelSource> {

    public static final String NAME = "modelsource";
    static final String KIND = "ModelSource";

    @Inject
    Clock clock;

    @Inject
    OperatorMetrics metrics;

    @Inject
    OperatorEvents events;

    @Inject
    VerdictCache verdicts;

    @Inject
    ReconciledModels reconciled;

    @Override
    public List<EventSource<?, ModelSource>> prepareEventSources(EventSourceContext<ModelSource> context) {
        // status.models is counted in the TrustedModel controller's cache, which wakes a source whose count changes.
        SimpleInboundEventSource<ModelSource> counted = new SimpleInboundEventSource<>("modelcounts");
        reconciled.wakeUpThrough(counted);
        return List.of(counted);
    }

    @Override
    public UpdateControl<ModelSource> reconcile(ModelSource source, Context<ModelSource> context) {
        Instant now = clock.instant();
        ModelSourceStatus previous = source.getStatus();
        try {
            SourceVerdict verdict = verdicts.source(source, now);
            OptionalInt counted = reconciled.count(source.getMetadata().getName());
            // Until the TrustedModel controller's cache is there, keep the last count and look again shortly.
            int models = counted.orElse(previous == null || previous.getModels() == null ? 0 : previous.getModels());
            ModelSourceStatus status = Statuses.source(previous, verdict, models, now,
                    source.getMetadata().getGeneration());
            announceTransitions(source, previous, status, verdict);
            metrics.reconciled(KIND, true);
            UpdateControl<ModelSource> control;
            if (status.equals(previous)) {
                control = UpdateControl.noUpdate();
            } else {
                source.setStatus(status); // the SDK's own copy, not the cached resource
                control = UpdateControl.patchStatus(source);
            }
            Optional<Duration> wake = counted.isPresent() ? Statuses.wakeUpIn(verdict.nextChange(), now)
                    : Optional.of(Duration.ofSeconds(1));
            wake.ifPresent(control::rescheduleAfter);
            return control;
        } catch (RuntimeException e) {
            metrics.reconciled(KIND, false);
            throw e;
        }
    }

    private void announceTransitions(ModelSource source, ModelSourceStatus previous, ModelSourceStatus status,
            SourceVerdict verdict) {
        var before = previous == null ? null : previous.getConditions();
        var after = status.getConditions();
        String name = source.getMetadata().getName();
        if (Statuses.turnedFalse(before, after, ConditionType.READY)
                || (before == null || before.isEmpty()) && !verdict.ready()) {
            events.warning(source, verdict.reason(), verdict.message());
            String event = "NoValidKeys".equals(verdict.reason())
                    ? verdict.revokedKeys() > 0 ? SecurityLog.KEY_REVOKED : SecurityLog.KEY_EXPIRED
                    : "CertificateExpired".equals(verdict.reason()) ? SecurityLog.KEY_EXPIRED
                            : SecurityLog.SOURCE_NOT_READY;
            SecurityLog.warn(event, verdict.message());
        }
        int previousRevoked = previous == null || previous.getRevokedKeys() == null ? 0 : previous.getRevokedKeys();
        int previousExpired = previous == null || previous.getExpiredKeys() == null ? 0 : previous.getExpiredKeys();
        if (verdict.revokedKeys() > previousRevoked) {
            SecurityLog.warn(SecurityLog.KEY_REVOKED, "ModelSource " + name + ": " + String.join("; ",
                    verdict.notes()));
        }
        if (verdict.expiredKeys() > previousExpired) {
            SecurityLog.warn(SecurityLog.KEY_EXPIRED, "ModelSource " + name + ": " + String.join("; ",
                    verdict.notes()));
        }
        if (Statuses.turnedTrue(before, after, ConditionType.REVIEW_DUE)) {
            String message = dev.modelgate.api.v1alpha1.Condition.find(after, ConditionType.REVIEW_DUE)
                    .map(dev.modelgate.api.v1alpha1.Condition::getMessage).orElse("review due");
            events.warning(source, "ReviewDue", message);
            SecurityLog.warn(SecurityLog.SOURCE_REVIEW_DUE, message);
        }
    }
}
