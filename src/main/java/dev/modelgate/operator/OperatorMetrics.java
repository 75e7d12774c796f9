package dev.modelgate.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The operator's Prometheus metrics (names as Prometheus shows them):
 * <ul>
 * <li>{@code modelgate_reconcile_total{kind,result}}: reconciliations by resource kind and success/error;</li>
 * <li>{@code modelgate_models{state}}: TrustedModels that are ready, not_ready, revoked or review_due now;</li>
 * <li>{@code modelgate_pods_using_revoked_models}: distinct active pods that name a revoked model;</li>
 * <li>{@code modelgate_audit_findings_total{rule}}: pods reported (Event + PolicyReport entry) per rule;</li>
 * <li>{@code modelgate_verifications_total{result,reason}}: failed verifier runs seen, each counted once.</li>
 * </ul>
 */
@ApplicationScoped
public class OperatorMetrics {

    /** Failures remembered so a resync does not count them again; old keys fall out beyond this many. */
    private static final int SEEN_FAILURES = 100_000;

    @Inject
    MeterRegistry registry;

    private final Map<String, ModelState> models = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> revokedPodsByModel = new ConcurrentHashMap<>();
    private final Set<String> seenFailures = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > SEEN_FAILURES;
                }
            }));

    /** What the gauges need to know about one model. */
    public record ModelState(boolean ready, boolean revoked, boolean reviewDue) {
    }

    @PostConstruct
    void register() {
        gauge("ready", ModelState::ready);
        gauge("not_ready", s -> !s.ready());
        gauge("revoked", ModelState::revoked);
        gauge("review_due", ModelState::reviewDue);
        // The injected registry can outlive this bean (Micrometer's global composite keeps meters across an
        // application restart, and registering the same gauge again returns the old one), so the gauges read
        // the current instance rather than capture this one.
        CURRENT.set(this);
        gauges.add(Gauge.builder("modelgate.pods.using.revoked.models", OperatorMetrics::podsUsingRevokedModels)
                .description("Active pods that name a revoked TrustedModel").register(registry));
    }

    /**
     * Removes the gauges on shutdown. A restarted application (tests restart Quarkus in a new class loader) would
     * otherwise get back the old gauges, whose functions read the previous class loader's state.
     */
    @PreDestroy
    void unregister() {
        gauges.forEach(registry::remove);
        gauges.clear();
        CURRENT.compareAndSet(this, null);
    }

    private final List<Gauge> gauges = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static final java.util.concurrent.atomic.AtomicReference<OperatorMetrics> CURRENT =
            new java.util.concurrent.atomic.AtomicReference<>();

    private static int podsUsingRevokedModels() {
        OperatorMetrics m = CURRENT.get();
        if (m == null) {
            return 0;
        }
        Set<String> pods = new java.util.HashSet<>();
        m.revokedPodsByModel.values().forEach(pods::addAll);
        return pods.size();
    }

    private void gauge(String state, Predicate<ModelState> p) {
        gauges.add(Gauge.builder("modelgate.models", () -> {
            OperatorMetrics m = CURRENT.get();
            return m == null ? 0 : m.models.values().stream().filter(p).count();
        }).tag("state", state).description("TrustedModels by state").register(registry));
    }

    public void reconciled(String kind, boolean success) {
        Counter.builder("modelgate.reconcile").tag("kind", kind).tag("result", success ? "success" : "error")
                .description("Reconciliations by resource kind and result").register(registry).increment();
    }

    public void model(String key, ModelState state, Set<String> revokedPods) {
        models.put(key, state);
        if (revokedPods.isEmpty()) {
            revokedPodsByModel.remove(key);
        } else {
            revokedPodsByModel.put(key, Set.copyOf(revokedPods));
        }
    }

    public void modelDeleted(String key) {
        models.remove(key);
        revokedPodsByModel.remove(key);
    }

    public void auditFinding(AuditRule rule) {
        Counter.builder("modelgate.audit.findings").tag("rule", rule.rule())
                .description("Pods reported by the audit, by rule").register(registry).increment();
    }

    /** Counts a failed verifier run once, however many models the pod names and however often it is seen. */
    public void verificationFailed(String failureKey, String reason) {
        if (seenFailures.add(failureKey)) {
            Counter.builder("modelgate.verifications").tag("result", "failure").tag("reason", reason)
                    .description("Verifier runs reported to the operator, by result and reason").register(registry)
                    .increment();
        }
    }
}
