package dev.modelgate.operator;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.policy.SourceJudge;
import dev.modelgate.policy.SourceVerdict;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link SourceJudge} verdicts, remembered per ModelSource version. Every TrustedModel reconcile needs its source's
 * verdict, and judging parses every key and URL prefix; with thousands of models naming one source that parsing was
 * most of the reconcile. A verdict is reused only for the same resourceVersion and only before its
 * {@code nextChange} (the first instant time alone would change it), so it is always what judging now would give.
 */
@Singleton
public class SourceVerdicts {

    private record Judged(String uid, String resourceVersion, Instant at, SourceVerdict verdict) {

        boolean validFor(String u, String rv, Instant now) {
            return uid.equals(u) && resourceVersion.equals(rv) && !now.isBefore(at)
                    && verdict.nextChange().map(now::isBefore).orElse(true);
        }
    }

    /** Keyed by name (ModelSources are cluster-scoped), so a source deleted and created again takes its old slot. */
    private final Map<String, Judged> byName = new ConcurrentHashMap<>();

    public SourceVerdict judge(ModelSource source, Instant now) {
        var meta = source.getMetadata();
        if (meta == null || meta.getName() == null || meta.getUid() == null || meta.getResourceVersion() == null) {
            return SourceJudge.judge(source, now);
        }
        Judged cached = byName.get(meta.getName());
        if (cached != null && cached.validFor(meta.getUid(), meta.getResourceVersion(), now)) {
            return cached.verdict();
        }
        SourceVerdict verdict = SourceJudge.judge(source, now);
        byName.put(meta.getName(), new Judged(meta.getUid(), meta.getResourceVersion(), now, verdict));
        return verdict;
    }
}
