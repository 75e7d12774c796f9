package dev.modelgate.operator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The audit's current findings, per namespace and model. Each TrustedModel reconcile replaces its own findings;
 * the namespace's PolicyReport is rewritten only when its findings change, and the caller learns which findings
 * are new (those get a pod Event). Held in memory: after a restart the first reconcile of each model finds its pods
 * again, so each finding is reported once more (documented in docs/operator.md).
 */
@ApplicationScoped
public class AuditLedger {

    private static final Comparator<PodFinding> ORDER = Comparator.comparing(PodFinding::pod)
            .thenComparing(PodFinding::model).thenComparing(f -> f.rule().ordinal());

    @Inject
    PolicyReports reports;

    @Inject
    Clock clock;

    private final Map<String, Map<String, List<PodFinding>>> byNamespace = new ConcurrentHashMap<>();
    private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();
    /** Namespaces whose report could not be written (no PolicyReport CRD yet): written at their next reconcile. */
    private final Set<String> unwritten = ConcurrentHashMap.newKeySet();

    /** Replaces the findings of one model and returns those not reported before. */
    public List<PodFinding> replace(String namespace, String model, List<PodFinding> findings) {
        Map<String, List<PodFinding>> models = byNamespace.computeIfAbsent(namespace, n -> new ConcurrentHashMap<>());
        synchronized (models) {
            List<PodFinding> before = models.getOrDefault(model, List.of());
            List<PodFinding> after = findings.stream().sorted(ORDER).toList();
            if (before.equals(after)) {
                if (unwritten.contains(namespace) && reports.write(namespace, all(models), firstSeen)) {
                    unwritten.remove(namespace); // the PolicyReport CRD has appeared since
                }
                return List.of();
            }
            Set<String> oldKeys = new HashSet<>();
            before.forEach(f -> oldKeys.add(f.key()));
            Set<String> newKeys = new HashSet<>();
            List<PodFinding> added = new ArrayList<>();
            Instant now = clock.instant();
            for (PodFinding f : after) {
                newKeys.add(f.key());
                if (!oldKeys.contains(f.key())) {
                    added.add(f);
                    firstSeen.putIfAbsent(f.key(), now);
                }
            }
            oldKeys.removeAll(newKeys);
            oldKeys.forEach(firstSeen::remove);
            if (after.isEmpty()) {
                models.remove(model);
            } else {
                models.put(model, after);
            }
            if (reports.write(namespace, all(models), firstSeen)) {
                unwritten.remove(namespace);
            } else {
                unwritten.add(namespace);
            }
            return added;
        }
    }

    /** All findings of a namespace, in report order. */
    public List<PodFinding> findings(String namespace) {
        Map<String, List<PodFinding>> models = byNamespace.getOrDefault(namespace, Map.of());
        synchronized (models) {
            return all(models);
        }
    }

    private static List<PodFinding> all(Map<String, List<PodFinding>> models) {
        return models.values().stream().flatMap(List::stream).sorted(ORDER).toList();
    }
}
