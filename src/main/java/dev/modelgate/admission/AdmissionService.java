package dev.modelgate.admission;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.modelgate.config.ModelGateConfig;
import dev.modelgate.policy.AdmissionDecision;
import dev.modelgate.policy.AdmissionInput;
import dev.modelgate.policy.EnforcementMode;
import dev.modelgate.policy.PodPolicy;
import dev.modelgate.policy.Violation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Answers AdmissionReviews: parses, decides with {@link PodPolicy} over the informer caches, records, and writes
 * the answer. Any error while deciding is a refusal that names the request uid (fail closed); the error is
 * logged with the same uid.
 */
@ApplicationScoped
public class AdmissionService {

    private static final Logger LOG = Logger.getLogger(AdmissionService.class);

    @Inject
    AdmissionCaches caches;

    @Inject
    ModelGateConfig config;

    @Inject
    MeterRegistry metrics;

    @Inject
    AdmissionEvents events;

    @Inject
    dev.modelgate.policy.VerdictCache verdicts;

    volatile PodPolicy policy; // built on first use from the configuration; tests set it

    PodPolicy policy() {
        PodPolicy p = policy;
        if (p == null) {
            p = new PodPolicy(config.policySettings(), caches, Instant::now, verdicts);
            policy = p;
        }
        return p;
    }

    /** The mutating webhook: the patch that injects the verifier and forces read-only model mounts. */
    public byte[] mutate(AdmissionReviews.Request r) {
        return mutate(r, System.nanoTime());
    }

    /** The same, for a request that arrived at {@code arrivedNanos} ({@link System#nanoTime()}). */
    public byte[] mutate(AdmissionReviews.Request r, long arrivedNanos) {
        try {
            if (!caches.synced()) {
                return notSynced(r, "mutate");
            }
            ArrayNode patch = policy().mutate(r.input());
            metrics.counter("modelgate_admissions_total", "webhook", "mutate", "decision",
                    patch.isEmpty() ? "unchanged" : "patched", "rule", "none").increment();
            return AdmissionReviews.response(r.uid(), true, null, List.of(), patch);
        } catch (RuntimeException e) {
            return internalError(r, "mutate", e);
        } finally {
            timer("mutate").record(System.nanoTime() - arrivedNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The validating webhook: the pod contract, the guards and the namespace's mode. */
    public byte[] validate(AdmissionReviews.Request r) {
        return validate(r, System.nanoTime());
    }

    /** The same, for a request that arrived at {@code arrivedNanos} ({@link System#nanoTime()}). */
    public byte[] validate(AdmissionReviews.Request r, long arrivedNanos) {
        try {
            if (!caches.synced()) {
                return notSynced(r, "validate");
            }
            AdmissionDecision d = policy().validate(r.input());
            record(r, d);
            return AdmissionReviews.response(r.uid(), d.allowed(), d.message(), d.warnings(), null);
        } catch (RuntimeException e) {
            return internalError(r, "validate", e);
        } finally {
            timer("validate").record(System.nanoTime() - arrivedNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Built once per webhook: this is on every admission, and a builder plus registry lookup is not free. */
    private final java.util.Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * {@code modelgate_admission_duration_seconds{webhook}}: time to answer, from the request's arrival (headers
     * read) to the answer being ready to send (body read, parsed, decided, serialised); buckets from 50 µs, since answers take well
     * under a millisecond, for p99 alerts.
     */
    private Timer timer(String webhook) {
        return timers.computeIfAbsent(webhook, w -> Timer.builder("modelgate_admission_duration").tag("webhook", w)
                .description("Time to answer one AdmissionReview, from its arrival to the answer")
                .publishPercentileHistogram().minimumExpectedValue(java.time.Duration.ofNanos(50_000))
                .maximumExpectedValue(java.time.Duration.ofSeconds(10)).register(metrics));
    }

    private void record(AdmissionReviews.Request r, AdmissionDecision d) {
        if (d.violations().isEmpty()) {
            metrics.counter("modelgate_admissions_total", "webhook", "validate", "decision", d.verdict(), "rule",
                    "none").increment();
            return;
        }
        for (Violation v : d.violations()) {
            metrics.counter("modelgate_admissions_total", "webhook", "validate", "decision", d.verdict(), "rule",
                    v.rule().id()).increment();
        }
        MDC.put("event", d.allowed() ? "admission.violation-admitted" : "admission.denied");
        MDC.put("uid", r.uid());
        try {
            LOG.infof("%s %s in %s mode by %s: %s", d.allowed() ? "admitted" : "refused", d.subject(),
                    d.mode() == null ? "enforce" : d.mode().label(), r.input().username(),
                    d.violations().stream().map(Violation::message).toList());
        } finally {
            MDC.remove("event");
            MDC.remove("uid");
        }
        if (d.mode() == EnforcementMode.AUDIT || d.mode() == EnforcementMode.WARN) {
            if (!r.dryRun()) {
                events.violationAdmitted(r.input(), d);
            }
        }
    }

    private byte[] notSynced(AdmissionReviews.Request r, String webhook) {
        metrics.counter("modelgate_admissions_total", "webhook", webhook, "decision", "deny", "rule",
                "caches-not-synced").increment();
        return AdmissionReviews.response(r.uid(), false, "ModelGate is starting and its caches of TrustedModels, "
                + "ModelSources, Namespaces and PersistentVolumeClaims are not synced yet (request " + r.uid()
                + "), so nothing can be admitted; retry in a few seconds", List.of(), null);
    }

    private byte[] internalError(AdmissionReviews.Request r, String webhook, RuntimeException e) {
        MDC.put("event", "admission.internal-error");
        MDC.put("uid", r.uid());
        try {
            LOG.errorf(e, "internal error while deciding request %s (%s %s)", r.uid(), r.input().operation(),
                    r.input().kind());
        } finally {
            MDC.remove("event");
            MDC.remove("uid");
        }
        metrics.counter("modelgate_admissions_total", "webhook", webhook, "decision", "deny", "rule",
                "internal-error").increment();
        return AdmissionReviews.response(r.uid(), false, "ModelGate refused request " + r.uid()
                + " because of an internal error while deciding (" + e.getClass().getSimpleName()
                + "); nothing is admitted unjudged: see the ModelGate log for this uid", List.of(), null);
    }
}
