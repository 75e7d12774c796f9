package dev.modelgate.operator;

import dev.modelgate.api.v1alpha1.ConditionType;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.ModelSourceStatus;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.policy.SourceVerdict;
import dev.modelgate.policy.VerdictCache;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

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

    @Override
    public List<EventSource<?, ModelSource>> prepareEventSources(EventSourceContext<ModelSource> context) {
        // TrustedModels are secondaries only to count them in status.models.
        InformerEventSourceConfiguration<TrustedModel> models = InformerEventSourceConfiguration
                .from(TrustedModel.class, ModelSource.class)
                .withName("trustedmodels")
                // Only the count matters here: a model's own status writes and spec edits that keep its source do
                // not change it, and reacting to them cost one source reconcile per model write.
                .withOnUpdateFilter(ModelSourceReconciler::countChanges)
                .withSecondaryToPrimaryMapper(tm -> tm.getSpec() == null || tm.getSpec().getSource() == null
                        ? Set.of() : Set.of(new ResourceID(tm.getSpec().getSource())))
                .build();
        return List.of(new InformerEventSource<>(models, context));
    }

    /** Whether an update of a TrustedModel can change which source counts it. */
    static boolean countChanges(TrustedModel updated, TrustedModel old) {
        return !Objects.equals(sourceOf(updated), sourceOf(old));
    }

    private static String sourceOf(TrustedModel tm) {
        return tm.getSpec() == null ? null : tm.getSpec().getSource();
    }

    @Override
    public UpdateControl<ModelSource> reconcile(ModelSource source, Context<ModelSource> context) {
        Instant now = clock.instant();
        ModelSourceStatus previous = source.getStatus();
        try {
            SourceVerdict verdict = verdicts.source(source, now);
            int models = context.getSecondaryResources(TrustedModel.class).size();
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
            Statuses.wakeUpIn(verdict.nextChange(), now).ifPresent(control::rescheduleAfter);
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
