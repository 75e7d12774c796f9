package dev.modelgate.operator;

import static dev.modelgate.policy.PolicyFixtures.SHA_A;
import static dev.modelgate.policy.PolicyFixtures.file;
import static dev.modelgate.policy.PolicyFixtures.model;
import static dev.modelgate.policy.PolicyFixtures.review;
import static dev.modelgate.policy.PolicyFixtures.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.modelgate.api.v1alpha1.Condition;
import dev.modelgate.api.v1alpha1.ConditionType;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.api.v1alpha1.TrustedModelStatus;
import dev.modelgate.policy.ModelJudge;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.policy.SourceJudge;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusesTest {

    private final ModelSource src = source("hf", "https://hf.example.com/");

    @Test
    void aRestartedOperatorComputesTheSameStatusFromTheStoredOne() {
        TrustedModel tm = model("ns", "m", "hf", file("a.gguf", SHA_A, 1, null));
        Instant t0 = Instant.parse("2026-06-01T00:00:00Z");
        TrustedModelStatus first = Statuses.model(null, verdict(tm, t0), 2, null, t0, 1L);
        Instant later = t0.plus(Duration.ofDays(3));
        TrustedModelStatus again = Statuses.model(first, verdict(tm, later), 2, null, later, 1L);
        assertEquals(first, again);
        assertEquals("2026-06-01T00:00:00Z", Condition.find(again.getConditions(), ConditionType.READY)
                .orElseThrow().getLastTransitionTime());
    }

    @Test
    void onlyTheConditionThatChangesGetsANewTransitionTime() {
        TrustedModel tm = model("ns", "m", "hf", file("a.gguf", SHA_A, 1, null));
        tm.getSpec().setReview(review("1d", "2026-06-01"));
        Instant t0 = Instant.parse("2026-06-01T12:00:00Z");
        TrustedModelStatus before = Statuses.model(null, verdict(tm, t0), 0, null, t0, 1L);
        Instant t1 = Instant.parse("2026-06-02T00:00:00Z");
        TrustedModelStatus after = Statuses.model(before, verdict(tm, t1), 0, null, t1, 1L);
        assertEquals("2026-06-02T00:00:00Z", Condition.find(after.getConditions(), ConditionType.REVIEW_DUE)
                .orElseThrow().getLastTransitionTime());
        assertEquals("2026-06-01T12:00:00Z", Condition.find(after.getConditions(), ConditionType.READY)
                .orElseThrow().getLastTransitionTime());
        assertNotEquals(before, after);
        assertEquals(true, Statuses.turnedTrue(before.getConditions(), after.getConditions(),
                ConditionType.REVIEW_DUE));
    }

    @Test
    void theWakeUpIsExactlyTheNextChange() {
        Instant now = Instant.parse("2026-06-01T12:00:00Z");
        assertEquals(Optional.of(Duration.ofHours(12)),
                Statuses.wakeUpIn(Optional.of(Instant.parse("2026-06-02T00:00:00Z")), now));
        assertEquals(Optional.of(Duration.ZERO), Statuses.wakeUpIn(Optional.of(now.minusSeconds(1)), now));
        assertEquals(Optional.empty(), Statuses.wakeUpIn(Optional.empty(), now));
    }

    @Test
    void anErrorWhileJudgingIsNotReady() {
        TrustedModel tm = model("ns", "m", "hf", file("a.gguf", SHA_A, 1, null));
        Instant t0 = Instant.parse("2026-06-01T00:00:00Z");
        TrustedModelStatus ok = Statuses.model(null, verdict(tm, t0), 3, null, t0, 1L);
        TrustedModelStatus failed = Statuses.modelError(ok, "ns/m", new IllegalStateException("boom"), t0, 1L);
        Condition ready = Condition.find(failed.getConditions(), ConditionType.READY).orElseThrow();
        assertEquals(Condition.FALSE, ready.getStatus());
        assertEquals("ReconcileError", ready.getReason());
        assertEquals("TrustedModel ns/m could not be evaluated (java.lang.IllegalStateException: boom); the "
                + "operator retries, check its log", ready.getMessage());
        assertEquals(3, failed.getPods());
    }

    @Test
    void aMissingArtifactLeavesReadyAloneAndSurvivesAFailedJudgement() {
        TrustedModel tm = model("ns", "m", "hf", file("a.gguf", SHA_A, 1, null));
        Instant t0 = Instant.parse("2026-06-01T00:00:00Z");
        Condition missing = ArtifactCheck.draft(Condition.FALSE, "ManifestMissing", "gone");
        TrustedModelStatus without = Statuses.model(null, verdict(tm, t0), 0, null, t0, 1L);
        TrustedModelStatus with = Statuses.model(null, verdict(tm, t0), Optional.of(missing), 0, null, t0, 1L);
        assertEquals(Condition.find(without.getConditions(), ConditionType.READY),
                Condition.find(with.getConditions(), ConditionType.READY));
        Condition artifact = Condition.find(with.getConditions(), ConditionType.ARTIFACT_AVAILABLE).orElseThrow();
        assertEquals("ManifestMissing", artifact.getReason());
        assertEquals(1L, artifact.getObservedGeneration());
        TrustedModelStatus failed = Statuses.modelError(with, "ns/m", new IllegalStateException("boom"), t0, 1L);
        assertEquals(Optional.of(artifact), Condition.find(failed.getConditions(), ConditionType.ARTIFACT_AVAILABLE));
    }

    private ModelVerdict verdict(TrustedModel tm, Instant now) {
        return ModelJudge.judge(tm, src, SourceJudge.judge(src, now), now);
    }
}
