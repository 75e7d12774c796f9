package dev.modelgate.policy;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The models a pod declares: each exists, is not revoked, comes from a trusted source, is Ready and reviewed; and
 * together they give one verification plan. Plans are built once per exact set of input versions.
 */
final class ModelRules {

    /** Plans kept at most; past this the cache starts over rather than grow. */
    static final int MAX_PLANS = 10_000;

    private final PolicySettings settings;
    private final PolicySnapshot snapshot;
    private final Supplier<Instant> clock;
    private final VerdictCache verdicts;
    /** Built plans by the exact versions of their inputs; building is a pure function of those and the settings. */
    private final Map<PlanKey, SealedPlan> plans = new ConcurrentHashMap<>();

    private record PlanKey(List<String> versions, PlanSettings settings) {
    }

    ModelRules(PolicySettings settings, PolicySnapshot snapshot, Supplier<Instant> clock, VerdictCache verdicts) {
        this.settings = settings;
        this.snapshot = snapshot;
        this.clock = clock;
        this.verdicts = verdicts;
    }

    /** The models, their readiness and the plan; adds what is wrong with them to {@code out}. */
    Optional<SealedPlan> plan(PodObject pod, List<Violation> out) {
        String annotation = pod.modelsAnnotation();
        List<String> names;
        try {
            names = PodContract.modelNames(annotation);
        } catch (IllegalArgumentException e) {
            out.add(PodRule.MODELS_ANNOTATION.deny(PodContract.ANNOTATION_MODELS, pod.describe(), e.getMessage()));
            return Optional.empty();
        }
        Instant now = clock.get();
        List<TrustedModel> models = new ArrayList<>(names.size());
        Map<String, ModelSource> sources = new HashMap<>();
        boolean complete = true;
        for (String name : names) {
            Optional<TrustedModel> tm = snapshot.trustedModel(pod.namespace(), name);
            if (tm.isEmpty()) {
                complete = false;
                out.add(PodRule.UNKNOWN_MODEL.deny(name, pod.describe(), name, pod.namespace()));
                continue;
            }
            models.add(tm.get());
            String sourceName = tm.get().getSpec() == null ? null : tm.get().getSpec().getSource();
            ModelSource source = sourceName == null ? null : snapshot.modelSource(sourceName).orElse(null);
            if (source != null) {
                sources.put(sourceName, source);
            } else {
                complete = false;
            }
            ModelVerdict v = verdicts.model(tm.get(), source, now);
            if (v.revoked()) {
                out.add(PodRule.MODEL_REVOKED.deny(name, pod.describe(), name, v.message()));
            } else if (!v.sourceTrusted()) {
                out.add(PodRule.SOURCE_NOT_TRUSTED.deny(name, pod.describe(), name, condition(v, "SourceTrusted")));
            } else if (!v.ready()) {
                out.add(PodRule.MODEL_NOT_READY.deny(name, pod.describe(), name, v.reason(), v.message()));
            }
            if (v.reviewDue() && !v.revoked()) {
                String why = v.conditions().stream().filter(c -> "ReviewDue".equals(c.getType())).findFirst()
                        .map(c -> c.getMessage()).orElse("the review is overdue");
                out.add(settings.reviewOverdueAction() == ReviewOverdueAction.DENY
                        ? PodRule.REVIEW_OVERDUE.deny(name, pod.describe(), name, why)
                        : PodRule.REVIEW_OVERDUE.warn(name, pod.describe(), name, why));
            }
        }
        if (!complete) {
            return Optional.empty();
        }
        try {
            PlanSettings ps = new PlanSettings(pod.modelVolume(), PodContract.VOLUME_MOUNT_PATH, settings.strict(),
                    settings.ignoreGlobs(), settings.defaultScanPolicy());
            return Optional.of(sealedPlan(models, sources, ps));
        } catch (IllegalArgumentException e) {
            // Usually already reported as not Ready; a conflict between two models shows only here.
            if (out.stream().noneMatch(v -> !v.warning())) {
                out.add(PodRule.PLAN_INVALID.deny(annotation, pod.describe(), annotation, e.getMessage()));
            }
            return Optional.empty();
        }
    }

    /** The plan of these exact object versions, built once; objects not stored by an API server are not cached. */
    private SealedPlan sealedPlan(List<TrustedModel> models, Map<String, ModelSource> sources, PlanSettings ps) {
        List<String> versions = new ArrayList<>(models.size() + sources.size());
        boolean stored = true;
        for (TrustedModel tm : models) {
            String v = VerdictCache.version(tm);
            stored &= v != null;
            versions.add(tm.getMetadata().getNamespace() + "/" + tm.getMetadata().getName() + " " + v);
        }
        for (Map.Entry<String, ModelSource> e : new TreeMap<>(sources).entrySet()) {
            String v = VerdictCache.version(e.getValue());
            stored &= v != null;
            versions.add(e.getKey() + " " + v);
        }
        if (!stored) {
            return SealedPlan.of(PlanBuilder.build(models, sources, ps));
        }
        PlanKey key = new PlanKey(versions, ps);
        SealedPlan cached = plans.get(key);
        if (cached != null) {
            return cached;
        }
        SealedPlan built = SealedPlan.of(PlanBuilder.build(models, sources, ps));
        if (plans.size() >= MAX_PLANS) {
            plans.clear();
        }
        plans.put(key, built);
        return built;
    }

    private static String condition(ModelVerdict v, String type) {
        return v.conditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .map(c -> c.getMessage()).orElse(v.message());
    }
}
