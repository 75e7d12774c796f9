package dev.modelgate.operator;

import static dev.modelgate.policy.PolicyFixtures.SHA_A;
import static dev.modelgate.policy.PolicyFixtures.file;
import static dev.modelgate.policy.PolicyFixtures.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.api.v1alpha1.TrustedModel;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A source is re-counted only when a model joins or leaves it, never for a model's own status writes; a model the
 * cache no longer holds is reported once as deleted.
 */
class ReconciledModelsTest {

    /** The informer cache, reduced to a map and the by-source index. */
    static final class MapCache implements IndexerResourceCache<TrustedModel> {
        final Map<ResourceID, TrustedModel> items = new LinkedHashMap<>();

        void put(TrustedModel tm) {
            items.put(ResourceID.fromResource(tm), tm);
        }

        @Override
        public void addIndexers(Map<String, Function<TrustedModel, List<String>>> indexers) {
        }

        @Override
        public List<TrustedModel> byIndex(String index, String source) {
            return items.values().stream().filter(tm -> source.equals(tm.getSpec().getSource())).toList();
        }

        @Override
        public Stream<TrustedModel> list(String namespace, Predicate<TrustedModel> predicate) {
            return list(predicate).filter(tm -> namespace.equals(tm.getMetadata().getNamespace()));
        }

        @Override
        public Optional<TrustedModel> get(ResourceID id) {
            return Optional.ofNullable(items.get(id));
        }

        @Override
        public Stream<ResourceID> keys() {
            return items.keySet().stream();
        }

        @Override
        public Stream<TrustedModel> list(Predicate<TrustedModel> predicate) {
            return items.values().stream().filter(predicate);
        }
    }

    @Test
    void aSourceIsWokenOnlyWhenItsModelsChange() {
        ReconciledModels reconciled = new ReconciledModels();
        List<String> woken = new ArrayList<>();
        reconciled.wakeUpWith(woken::add);
        ResourceID m = new ResourceID("m", "ns");

        reconciled.seen(m, "hub");
        assertEquals(List.of("hub"), woken, "a new model joins its source");
        reconciled.seen(m, "hub");
        reconciled.seen(m, "hub");
        assertEquals(List.of("hub"), woken, "reconciling the same model again (its status writes) changes no count");
        reconciled.seen(m, "mirror");
        assertEquals(List.of("hub", "hub", "mirror"), woken, "a move re-counts both sources");
    }

    @Test
    void aModelTheCacheNoLongerHoldsIsGoneOnce() {
        ReconciledModels reconciled = new ReconciledModels();
        List<String> woken = new ArrayList<>();
        reconciled.wakeUpWith(woken::add);
        assertTrue(reconciled.gone().isEmpty(), "nothing is judged deleted before the cache is there");
        assertEquals(OptionalInt.empty(), reconciled.count("hub"), "nor counted");

        MapCache cache = new MapCache();
        TrustedModel a = model("ns", "a", "hub", file("a.safetensors", SHA_A, 3, null));
        TrustedModel b = model("ns", "b", "hub", file("b.safetensors", SHA_A, 3, null));
        cache.put(a);
        cache.put(b);
        reconciled.countIn(cache, "by-source");
        reconciled.seen(ResourceID.fromResource(a), "hub");
        reconciled.seen(ResourceID.fromResource(b), "hub");
        assertEquals(OptionalInt.of(2), reconciled.count("hub"));
        assertTrue(reconciled.gone().isEmpty(), "both still exist");
        woken.clear();

        cache.items.remove(ResourceID.fromResource(a));
        assertEquals(List.of(ResourceID.fromResource(a)), reconciled.gone());
        assertEquals(List.of("hub"), woken, "its source is re-counted");
        assertEquals(OptionalInt.of(1), reconciled.count("hub"));
        assertTrue(reconciled.gone().isEmpty(), "reported once");
    }
}
