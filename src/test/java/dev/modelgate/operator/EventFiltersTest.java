package dev.modelgate.operator;

import static dev.modelgate.policy.PolicyFixtures.source;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.ModelSourceStatus;
import org.junit.jupiter.api.Test;

/**
 * The update filters that keep status writes from fanning out: a source's status write must not re-reconcile every
 * model naming it, but any spec change must. (A model's status write does not re-count its source either:
 * SourceModelCountsTest.)
 */
class EventFiltersTest {

    private static ModelSource stored(String uid) {
        ModelSource s = source("hub", "https://models.example.com/hub/");
        s.getMetadata().setUid(uid);
        return s;
    }

    @Test
    void aSourceStatusWriteDoesNotReachItsModels() {
        ModelSource old = stored("u1");
        ModelSource updated = stored("u1");
        ModelSourceStatus status = new ModelSourceStatus();
        status.setModels(10_000);
        updated.setStatus(status);
        assertFalse(TrustedModelReconciler.sourceChangeMatters(updated, old));
    }

    @Test
    void aSourceSpecChangeOrReplacementReachesItsModels() {
        ModelSource old = stored("u1");
        ModelSource narrowed = stored("u1");
        narrowed.getSpec().getUrls().set(0, "https://models.example.com/hub/approved/");
        assertTrue(TrustedModelReconciler.sourceChangeMatters(narrowed, old));
        assertTrue(TrustedModelReconciler.sourceChangeMatters(stored("u2"), old), "deleted and created again");
    }
}
