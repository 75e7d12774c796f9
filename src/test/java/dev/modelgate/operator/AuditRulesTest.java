package dev.modelgate.operator;

import static dev.modelgate.policy.PolicyFixtures.SHA_A;
import static dev.modelgate.policy.PolicyFixtures.ecKey;
import static dev.modelgate.policy.PolicyFixtures.file;
import static dev.modelgate.policy.PolicyFixtures.model;
import static dev.modelgate.policy.PolicyFixtures.review;
import static dev.modelgate.policy.PolicyFixtures.signingSource;
import static dev.modelgate.policy.PolicyFixtures.source;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.Revocation;
import dev.modelgate.api.v1alpha1.SignatureSpec;
import dev.modelgate.api.v1alpha1.SigningKey;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.policy.ModelJudge;
import dev.modelgate.policy.SourceJudge;
import dev.modelgate.policy.SourceVerdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditRulesTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    @Test
    void aHealthyModelBreaksNoRule() {
        ModelSource src = source("hf", "https://hf.example.com/");
        assertEquals(Map.of(), broken(model("ns", "m", "hf", file("a.gguf", SHA_A, 1, null)), src));
    }

    @Test
    void aRevokedModelIsAFailNamingTheReason() {
        TrustedModel tm = model("ns", "m", "hf", file("a.gguf", SHA_A, 1, null));
        Revocation r = new Revocation();
        r.setReason("backdoored tokenizer");
        tm.getSpec().setRevoked(r);
        Map<AuditRule, String> rules = broken(tm, source("hf", "https://hf.example.com/"));
        assertEquals(List.of(AuditRule.REVOKED), List.copyOf(rules.keySet()));
        assertEquals("TrustedModel ns/m is revoked: backdoored tokenizer; pods naming it are refused",
                rules.get(AuditRule.REVOKED));
        assertEquals("fail", AuditRule.REVOKED.result());
    }

    @Test
    void aLapsedReviewIsAWarning() {
        TrustedModel tm = model("ns", "m", "hf", file("a.gguf", SHA_A, 1, null));
        tm.getSpec().setReview(review("30d", "2026-01-01"));
        Map<AuditRule, String> rules = broken(tm, source("hf", "https://hf.example.com/"));
        assertEquals(List.of(AuditRule.REVIEW_DUE), List.copyOf(rules.keySet()));
        assertEquals("TrustedModel m: review of TrustedModel ns/m was due at 2026-01-31T00:00:00Z (last reviewed "
                + "2026-01-01, every 30d); review it and update spec.review.lastReviewed",
                rules.get(AuditRule.REVIEW_DUE));
        assertEquals("warn", AuditRule.REVIEW_DUE.result());
    }

    @Test
    void aSourceLeftWithOnlyRevokedKeysIsKeyRevoked() {
        SigningKey k = ecKey("k1");
        k.setRevoked(true);
        k.setReason("leaked");
        Map<AuditRule, String> rules = broken(signed(), signingSource("hf", k));
        assertEquals(List.of(AuditRule.KEY_REVOKED), List.copyOf(rules.keySet()));
        assertEquals("TrustedModel m is no longer trusted: ModelSource hf requires signed models but has no valid "
                + "key to verify them with (key 'k1' is revoked (leaked)); add a new key to spec.signing.keys",
                rules.get(AuditRule.KEY_REVOKED));
    }

    @Test
    void aSourceLeftWithOnlyExpiredKeysIsKeyExpired() {
        SigningKey k = ecKey("k1");
        k.setNotAfter("2026-05-01T00:00:00Z");
        Map<AuditRule, String> rules = broken(signed(), signingSource("hf", k));
        assertEquals(List.of(AuditRule.KEY_EXPIRED), List.copyOf(rules.keySet()));
    }

    @Test
    void rotatingOneKeyOutOfTwoIsNotReportedOnPods() {
        SigningKey old = ecKey("old");
        old.setRevoked(true);
        old.setReason("rotated");
        assertEquals(Map.of(), broken(signed(), signingSource("hf", old, ecKey("new"))));
    }

    private static TrustedModel signed() {
        TrustedModel tm = model("ns", "m", "hf", file("a.gguf", SHA_A, 1, null));
        tm.getSpec().setSignature(new SignatureSpec());
        return tm;
    }

    private static Map<AuditRule, String> broken(TrustedModel tm, ModelSource src) {
        SourceVerdict sv = SourceJudge.judge(src, NOW);
        return AuditRules.broken(tm.getMetadata().getName(), ModelJudge.judge(tm, src, sv, NOW), sv);
    }
}
