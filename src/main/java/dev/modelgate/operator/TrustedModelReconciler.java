package dev.modelgate.operator;

import dev.modelgate.api.v1alpha1.ConditionType;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.api.v1alpha1.TrustedModelStatus;
import dev.modelgate.api.v1alpha1.VerificationFailure;
import dev.modelgate.config.ModelGateConfig;
import dev.modelgate.operator.PodModels.FailedVerification;
import dev.modelgate.policy.ModelJudge;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.policy.SourceVerdict;
import dev.modelgate.policy.VerdictCache;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Keeps every TrustedModel's status honest: the verdict of {@link ModelJudge} (the same function admission and
 * {@code modelgate check} call), the pods that use it, and the last verifier failure they reported; audits those pods
 * when the model or its trust lapses.
 *
 * <p>Secondary resources: the named ModelSource (a change to a source re-evaluates every model naming it, through an
 * index on {@code spec.source}) and the pods whose {@code modelgate.dev/models} annotation names the model. Deleted
 * models are found by {@link #forgetDeleted}, without a finalizer.
 */
@ControllerConfiguration(name = TrustedModelReconciler.NAME)
public class TrustedModelReconciler implements Reconciler<TrustedModel> {

    public static final String NAME = "trustedmodel";
    /** Primary-cache index: source name to the TrustedModels naming it. */
    static final String SOURCE_INDEX = "modelgate.dev/spec.source";
    static final String KIND = "TrustedModel";
    private static final Logger LOG = Logger.getLogger(TrustedModelReconciler.class);
    /** How often deleted models are looked for (a lookup per known model in the informer cache). */
    static final Duration SWEEP = Duration.ofSeconds(5);

    private final AtomicBoolean sweeping = new AtomicBoolean();
    /** Started with the controller's event sources (not in a field initialiser, which CDI proxies would run too). */
    private volatile ScheduledExecutorService sweeper;

    @Inject
    Clock clock;

    @Inject
    OperatorMetrics metrics;

    @Inject
    OperatorEvents events;

    @Inject
    AuditLedger ledger;

    @Inject
    ModelGateConfig config;

    @Inject
    VerdictCache verdicts;

    @Inject
    ArtifactChecker artifacts;

    @Inject
    ReconciledModels reconciled;

    @Override
    public List<EventSource<?, TrustedModel>> prepareEventSources(EventSourceContext<TrustedModel> context) {
        context.getPrimaryCache().addIndexer(SOURCE_INDEX, tm -> tm.getSpec() == null
                || tm.getSpec().getSource() == null ? List.of() : List.of(tm.getSpec().getSource()));
        reconciled.countIn(context.getPrimaryCache(), SOURCE_INDEX); // ModelSource status.models, from this cache
        if (sweeping.compareAndSet(false, true)) {
            sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "modelgate-deleted-models");
                t.setDaemon(true);
                return t;
            });
            sweeper.scheduleWithFixedDelay(this::forgetDeleted, SWEEP.toMillis(), SWEEP.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        InformerEventSourceConfiguration<ModelSource> sources = InformerEventSourceConfiguration
                .from(ModelSource.class, TrustedModel.class)
                .withName("modelsources")
                // A model's verdict depends on its source's spec, never on its status: without this filter every
                // status write of a source (its model count changes with each model created) re-reconciled every
                // model naming it.
                .withOnUpdateFilter(TrustedModelReconciler::sourceChangeMatters)
                .withSecondaryToPrimaryMapper(source -> context.getPrimaryCache()
                        .byIndex(SOURCE_INDEX, source.getMetadata().getName()).stream()
                        .map(ResourceID::fromResource).collect(Collectors.toSet()))
                .withPrimaryToSecondaryMapper((PrimaryToSecondaryMapper<TrustedModel>) tm -> tm.getSpec() == null
                        || tm.getSpec().getSource() == null ? Set.of()
                                : Set.of(new ResourceID(tm.getSpec().getSource())))
                .build();
        InformerEventSourceConfiguration<Pod> pods = InformerEventSourceConfiguration
                .from(Pod.class, TrustedModel.class)
                .withName("pods")
                .withSecondaryToPrimaryMapper(pod -> PodModels.declared(pod).stream()
                        .map(model -> new ResourceID(model, pod.getMetadata().getNamespace()))
                        .collect(Collectors.toSet()))
                .build();
        // Wakes a model when its background registry check has a new answer (ArtifactChecker).
        SimpleInboundEventSource<TrustedModel> artifactChecks = new SimpleInboundEventSource<>("artifactchecks");
        artifacts.wakeUpThrough(artifactChecks);
        return List.of(new InformerEventSource<>(sources, context), new InformerEventSource<>(pods, context),
                artifactChecks);
    }

    /**
     * Drops what the operator holds for deleted models: audit findings, the OCI artifact check, gauges, and the
     * source's count. The reconciler is not called for deletions (see {@link ReconciledModels}), so deletions are
     * found here, within {@link #SWEEP}.
     */
    void forgetDeleted() {
        try {
            for (ResourceID id : reconciled.gone()) {
                String ns = id.getNamespace().orElse("");
                ledger.replace(ns, id.getName(), List.of());
                artifacts.forget(ns, id.getName());
                metrics.modelDeleted(ns + "/" + id.getName());
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "could not clean up after deleted TrustedModels; trying again in %d s", SWEEP.toSeconds());
        }
    }

    @PreDestroy
    void stopSweeping() {
        ScheduledExecutorService s = sweeper;
        if (s != null) {
            s.shutdownNow();
        }
    }

    /** Whether an update of a ModelSource can change the verdict of the models naming it. */
    static boolean sourceChangeMatters(ModelSource updated, ModelSource old) {
        return !Objects.equals(updated.getSpec(), old.getSpec())
                || !Objects.equals(updated.getMetadata().getUid(), old.getMetadata().getUid());
    }

    @Override
    public UpdateControl<TrustedModel> reconcile(TrustedModel model, Context<TrustedModel> context) {
        String ns = model.getMetadata().getNamespace();
        String name = model.getMetadata().getName();
        String key = ns + "/" + name;
        reconciled.seen(new ResourceID(name, ns), model.getSpec() == null ? null : model.getSpec().getSource());
        Instant now = clock.instant();
        Long generation = model.getMetadata().getGeneration();
        TrustedModelStatus previous = model.getStatus();
        try {
            ModelSource source = context.getSecondaryResource(ModelSource.class).orElse(null);
            SourceVerdict sourceVerdict = source == null ? null : verdicts.source(source, now);
            ModelVerdict verdict = ModelJudge.judge(model, source, sourceVerdict, now);
            List<Pod> pods = context.getSecondaryResources(Pod.class).stream()
                    .filter(p -> ns.equals(p.getMetadata().getNamespace()))
                    .filter(PodModels::isActive)
                    .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                    .toList();

            VerificationFailure lastFailure = verifierFeedback(model, pods, previous, now);
            // Informational only: never part of Ready, and the registry is never asked on this thread.
            java.util.Optional<dev.modelgate.api.v1alpha1.Condition> artifact = artifactCondition(model, source);
            TrustedModelStatus status = Statuses.model(previous, verdict,
                    model.getSpec() == null ? null : model.getSpec().getScan(), artifact, pods.size(), lastFailure, now,
                    generation);
            announceTransitions(model, previous, status, verdict);
            audit(model, verdict, sourceVerdict, pods);
            metrics.model(key, new OperatorMetrics.ModelState(verdict.ready(), verdict.revoked(),
                    verdict.reviewDue()), verdict.revoked() ? podKeys(pods) : Set.of());
            metrics.reconciled(KIND, true);
            UpdateControl<TrustedModel> control = write(model, previous, status);
            java.util.Optional<java.time.Duration> wake = Statuses.wakeUpIn(verdict.nextChange(), now);
            java.util.Optional<java.time.Duration> check = artifact.isPresent() ? artifacts.nextCheckIn(model)
                    : java.util.Optional.empty();
            java.util.stream.Stream.of(wake, check).flatMap(java.util.Optional::stream)
                    .min(Comparator.naturalOrder()).ifPresent(control::rescheduleAfter);
            return control;
        } catch (RuntimeException e) {
            // Fail closed: a model that cannot be judged is not Ready. JOSDK retries with back-off.
            metrics.reconciled(KIND, false);
            metrics.model(key, new OperatorMetrics.ModelState(false, false, false), Set.of());
            LOG.errorf(e, "TrustedModel %s could not be evaluated; it is marked not Ready until it can be", key);
            TrustedModelStatus failed = Statuses.modelError(previous, key, e, now, generation);
            return write(model, previous, failed).rescheduleAfter(java.time.Duration.ofSeconds(30));
        }
    }

    /** The ArtifactAvailable condition; a failure here is logged and never turns into a failed judgement. */
    private java.util.Optional<dev.modelgate.api.v1alpha1.Condition> artifactCondition(TrustedModel model,
            ModelSource source) {
        try {
            return artifacts.condition(model, source);
        } catch (RuntimeException e) {
            LOG.warnf(e, "TrustedModel %s/%s: the OCI artifact check could not be scheduled",
                    model.getMetadata().getNamespace(), model.getMetadata().getName());
            return java.util.Optional.empty();
        }
    }

    /**
     * One place for status writes: the resource with the new status, or nothing when it is unchanged. The SDK hands
     * the reconciler its own copy of the cached resource, so setting the status here leaves the cache untouched.
     */
    private static UpdateControl<TrustedModel> write(TrustedModel model, TrustedModelStatus previous,
            TrustedModelStatus status) {
        if (status.equals(previous)) {
            return UpdateControl.noUpdate();
        }
        model.setStatus(status);
        return UpdateControl.patchStatus(model);
    }

    /**
     * Failed verifier runs of the model's pods: each new one gets a Warning Event on the model and a log line, and is
     * counted once in {@code modelgate_verifications_total}. Returns the latest failure, which goes into status.
     */
    private VerificationFailure verifierFeedback(TrustedModel model, List<Pod> pods, TrustedModelStatus previous,
            Instant now) {
        VerificationFailure latest = previous == null ? null : previous.getLastVerificationFailure();
        List<FailedVerification> failures = pods.stream().map(PodModels::failedVerification)
                .flatMap(java.util.Optional::stream)
                .sorted(Comparator.comparing(f -> f.finishedAt() == null ? "" : f.finishedAt()))
                .toList();
        for (FailedVerification f : failures) {
            metrics.verificationFailed(f.key(), f.reason());
            String time = f.finishedAt() == null ? now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()
                    : f.finishedAt();
            if (latest != null && !isLater(time, f.pod(), latest)) {
                continue;
            }
            VerificationFailure vf = new VerificationFailure();
            vf.setTime(time);
            vf.setPod(f.pod());
            vf.setNamespace(f.namespace());
            vf.setReason(f.reason());
            vf.setMessage(f.message());
            latest = vf;
            String text = "the verifier of pod " + f.pod() + " refused TrustedModel " + model.getMetadata().getName()
                    + " (" + f.reason() + "): " + f.message();
            events.warning(model, "VerificationFailed", text);
            SecurityLog.warn(SecurityLog.VERIFICATION_FAILED, f.namespace() + ": " + text);
        }
        return latest;
    }

    private static boolean isLater(String time, String pod, VerificationFailure recorded) {
        try {
            int c = Instant.parse(time).compareTo(Instant.parse(recorded.getTime()));
            return c > 0 || (c == 0 && !pod.equals(recorded.getPod()));
        } catch (RuntimeException e) {
            return !(time.equals(recorded.getTime()) && pod.equals(recorded.getPod()));
        }
    }

    /** Events and security log lines when the model turns revoked, due for review or untrusted. */
    private void announceTransitions(TrustedModel model, TrustedModelStatus previous, TrustedModelStatus status,
            ModelVerdict verdict) {
        var before = previous == null ? null : previous.getConditions();
        var after = status.getConditions();
        String key = verdict.model();
        if (Statuses.turnedTrue(before, after, ConditionType.REVOKED)) {
            events.warning(model, "ModelRevoked", verdict.message());
            SecurityLog.warn(SecurityLog.MODEL_REVOKED, key + ": " + verdict.message());
        }
        if (Statuses.turnedTrue(before, after, ConditionType.REVIEW_DUE)) {
            String message = condition(status, ConditionType.REVIEW_DUE);
            events.warning(model, "ReviewDue", message);
            SecurityLog.warn(SecurityLog.MODEL_REVIEW_DUE, key + ": " + message);
        }
        if (Statuses.turnedFalse(before, after, ConditionType.SOURCE_TRUSTED)) {
            String message = condition(status, ConditionType.SOURCE_TRUSTED);
            events.warning(model, "SourceNotTrusted", message);
            SecurityLog.warn(SecurityLog.MODEL_UNTRUSTED, key + ": " + message);
        }
    }

    private static String condition(TrustedModelStatus status, String type) {
        return dev.modelgate.api.v1alpha1.Condition.find(status.getConditions(), type)
                .map(dev.modelgate.api.v1alpha1.Condition::getMessage).orElse(type);
    }

    /** Findings for every active pod; new ones get a Warning Event on the pod and count in the metric. */
    private void audit(TrustedModel model, ModelVerdict verdict, SourceVerdict sourceVerdict, List<Pod> pods) {
        if (!config.operator().audit().enabled()) {
            return;
        }
        String ns = model.getMetadata().getNamespace();
        String name = model.getMetadata().getName();
        Map<AuditRule, String> rules = AuditRules.broken(name, verdict, sourceVerdict);
        List<PodFinding> findings = new ArrayList<>();
        for (Pod pod : pods) {
            String uid = Objects.requireNonNullElse(pod.getMetadata().getUid(), "");
            String podName = pod.getMetadata().getName();
            rules.forEach((rule, message) -> findings.add(new PodFinding(ns, podName, uid, name, rule,
                    "pod " + podName + " uses " + message)));
            PodModels.verifierDifference(pod, config.verifier().image()).ifPresent(why -> findings.add(
                    new PodFinding(ns, podName, uid, name, AuditRule.VERIFIER_ALTERED, "pod " + podName + " uses "
                            + "TrustedModel " + name + " without the verifier ModelGate injects: " + why)));
            PodModels.failedVerification(pod).ifPresent(f -> findings.add(new PodFinding(ns, podName, uid, name,
                    AuditRule.VERIFICATION_FAILED, "pod " + podName + " failed verification of TrustedModel " + name
                            + " (" + f.reason() + "): " + f.message())));
        }
        List<PodFinding> added = ledger.replace(ns, name, findings);
        Map<String, Pod> byName = pods.stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p,
                (a, b) -> a));
        for (PodFinding f : added) {
            metrics.auditFinding(f.rule());
            if (f.rule() != AuditRule.VERIFICATION_FAILED) { // the kubelet already shows the verifier's failure
                events.warning(byName.get(f.pod()), f.rule().eventReason(), f.message());
            }
            SecurityLog.warn(SecurityLog.POD_AUDIT_FINDING, ns + "/" + f.pod() + " [" + f.rule().rule() + "]: "
                    + f.message());
        }
    }

    private static Set<String> podKeys(List<Pod> pods) {
        Set<String> out = new HashSet<>();
        pods.forEach(p -> out.add(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()));
        return out;
    }
}
