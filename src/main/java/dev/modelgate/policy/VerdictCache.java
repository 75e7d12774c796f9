package dev.modelgate.policy;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verdicts of {@link SourceJudge} and {@link ModelJudge}, remembered per object version. Judging a source parses
 * every key and URL prefix, and every TrustedModel reconcile and every admission needs the verdicts of the models
 * and sources involved. A verdict is reused only for the same objects (uid and resourceVersion, which a cluster
 * changes on every write) and only inside {@code [judged at, nextChange)}, the span in which time alone cannot
 * change it; so it is always what judging now would give. Objects without a uid or resourceVersion (files read
 * by {@code modelgate check}) are judged every time.
 *
 * <p>Thread-safe. Entries are keyed by name, so a name takes one slot however often its object changes; past
 * {@link #MAX_ENTRIES} names the cache starts over rather than grow.
 */
public final class VerdictCache {

    static final int MAX_ENTRIES = 50_000;

    private record Judged<V>(String version, Instant at, V verdict, Optional<Instant> nextChange) {

        boolean validFor(String v, Instant now) {
            return version.equals(v) && !now.isBefore(at) && nextChange.map(now::isBefore).orElse(true);
        }
    }

    private final Map<String, Judged<SourceVerdict>> sources = new ConcurrentHashMap<>();
    private final Map<String, Judged<ModelVerdict>> models = new ConcurrentHashMap<>();

    public SourceVerdict source(ModelSource source, Instant now) {
        String version = version(source);
        if (version == null) {
            return SourceJudge.judge(source, now);
        }
        String key = source.getMetadata().getName();
        Judged<SourceVerdict> cached = sources.get(key);
        if (cached != null && cached.validFor(version, now)) {
            return cached.verdict();
        }
        SourceVerdict verdict = SourceJudge.judge(source, now);
        put(sources, key, new Judged<>(version, now, verdict, verdict.nextChange()));
        return verdict;
    }

    /** The model's verdict with its source (null when the source does not exist). */
    public ModelVerdict model(TrustedModel model, ModelSource source, Instant now) {
        String modelVersion = version(model);
        String sourceVersion = source == null ? "-" : version(source);
        SourceVerdict sourceVerdict = source == null ? null : source(source, now);
        if (modelVersion == null || sourceVersion == null) {
            return ModelJudge.judge(model, source, sourceVerdict, now);
        }
        String key = model.getMetadata().getNamespace() + "/" + model.getMetadata().getName();
        String version = modelVersion + " " + sourceVersion;
        Judged<ModelVerdict> cached = models.get(key);
        if (cached != null && cached.validFor(version, now)) {
            return cached.verdict();
        }
        ModelVerdict verdict = ModelJudge.judge(model, source, sourceVerdict, now);
        put(models, key, new Judged<>(version, now, verdict, verdict.nextChange()));
        return verdict;
    }

    /** uid and resourceVersion, or null when the object has not been stored by an API server. */
    static String version(HasMetadata o) {
        var meta = o.getMetadata();
        if (meta == null || meta.getName() == null || meta.getUid() == null || meta.getResourceVersion() == null) {
            return null;
        }
        return meta.getUid() + "@" + meta.getResourceVersion();
    }

    private static <V> void put(Map<String, Judged<V>> map, String key, Judged<V> value) {
        if (map.size() >= MAX_ENTRIES && !map.containsKey(key)) {
            map.clear();
        }
        map.put(key, value);
    }
}
