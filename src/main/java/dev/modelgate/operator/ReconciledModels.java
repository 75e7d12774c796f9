package dev.modelgate.operator;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The TrustedModels the TrustedModel controller has reconciled, with the source each names, over that controller's
 * own cache (which indexes models by source). Two jobs:
 * <ul>
 * <li>Each ModelSource's {@code status.models}: counted in that cache. The ModelSource controller used to keep a
 * second informer on every TrustedModel just for this count, so every model event was decoded and cached twice (at
 * 10,000 models, 63 MiB of heap and about 4 s of a cold start; docs/benchmarks.md). A source is woken only when a
 * model joins or leaves it.</li>
 * <li>Deleted models: the SDK's Quarkus extension does not pass {@code triggerReconcilerOnAllEvents} on, so the
 * reconciler is never called for a deletion, and a finalizer would cost a write per model and block deletions while
 * the operator is down. A model reconciled before and no longer in the cache has been deleted ({@link #gone}).</li>
 * </ul>
 */
@ApplicationScoped
public class ReconciledModels {

    private volatile IndexerResourceCache<TrustedModel> models;
    private volatile String index;
    private volatile Consumer<String> wakeUp = source -> { };
    /** Each reconciled model and the source it named ("" for none). */
    private final Map<ResourceID, String> sourceOf = new ConcurrentHashMap<>();

    /** The TrustedModel controller's primary cache and the name of its by-source index. */
    void countIn(IndexerResourceCache<TrustedModel> cache, String bySourceIndex) {
        this.index = bySourceIndex;
        this.models = cache;
    }

    /** The ModelSource controller's event source, to re-count a source whose models changed. */
    void wakeUpThrough(SimpleInboundEventSource<ModelSource> source) {
        wakeUpWith(name -> source.propagateEvent(new ResourceID(name)));
    }

    /** What wakes a source by name (tests observe it here). */
    void wakeUpWith(Consumer<String> wake) {
        this.wakeUp = wake;
    }

    /** The number of TrustedModels naming {@code source}; empty until the TrustedModel cache is there. */
    OptionalInt count(String source) {
        IndexerResourceCache<TrustedModel> cache = models;
        return cache == null ? OptionalInt.empty() : OptionalInt.of(cache.byIndex(index, source).size());
    }

    /** A model was reconciled naming {@code source} (null: none). */
    void seen(ResourceID model, String source) {
        changed(model, sourceOf.put(model, Objects.requireNonNullElse(source, "")), source);
    }

    /**
     * The models reconciled before that the cache no longer holds: deleted. Each is forgotten here (its source woken
     * to re-count) and returned for the caller's own clean-up. Empty until the cache is there.
     */
    List<ResourceID> gone() {
        IndexerResourceCache<TrustedModel> cache = models;
        List<ResourceID> gone = new ArrayList<>();
        if (cache == null) {
            return gone;
        }
        for (ResourceID id : sourceOf.keySet()) {
            if (cache.get(id).isEmpty()) {
                String previous = sourceOf.remove(id);
                if (previous != null) {
                    changed(id, previous, null);
                    gone.add(id);
                }
            }
        }
        return gone;
    }

    private void changed(ResourceID model, String previous, String source) {
        String before = previous == null || previous.isEmpty() ? null : previous;
        if (!Objects.equals(before, source)) {
            if (before != null) {
                wakeUp.accept(before);
            }
            if (source != null) {
                wakeUp.accept(source);
            }
        }
    }
}
