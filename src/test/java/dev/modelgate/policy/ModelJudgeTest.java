package dev.modelgate.policy;

import static dev.modelgate.policy.PolicyFixtures.SHA_A;
import static dev.modelgate.policy.PolicyFixtures.SHA_B;
import static dev.modelgate.policy.PolicyFixtures.ecKey;
import static dev.modelgate.policy.PolicyFixtures.file;
import static dev.modelgate.policy.PolicyFixtures.model;
import static dev.modelgate.policy.PolicyFixtures.review;
import static dev.modelgate.policy.PolicyFixtures.signingSource;
import static dev.modelgate.policy.PolicyFixtures.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.api.v1alpha1.Condition;
import dev.modelgate.api.v1alpha1.ConditionType;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.Revocation;
import dev.modelgate.api.v1alpha1.SignatureSpec;
import dev.modelgate.api.v1alpha1.SigningKey;
import dev.modelgate.api.v1alpha1.TrustedModel;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelJudgeTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final ModelSource STABILITY = source("stability", "https://models.example.com/stability/");

    static TrustedModel sdxl() {
        return model("comfyui", "sdxl-base", "stability",
                file("checkpoints/sdxl.safetensors", SHA_A, 10, "https://models.example.com/stability/sdxl.safetensors"),
                file("vae/sdxl-vae.safetensors", SHA_B, 20, null));
    }

    static String condition(ModelVerdict v, String type) {
        return Condition.find(v.conditions(), type).orElseThrow().getStatus();
    }

    @Test
    void modelFromReadySourceIsReadyWithTheSharedManifestDigest() {
        ModelVerdict v = ModelJudge.judge(sdxl(), STABILITY, NOW);
        assertTrue(v.ready(), v.message());
        assertEquals("Verified", v.reason());
        assertEquals(ModelManifests.manifest(sdxl()).digest(), v.manifestDigest());
        assertEquals(2, v.fileCount());
        assertEquals("True", condition(v, ConditionType.SOURCE_TRUSTED));
        assertEquals("False", condition(v, ConditionType.REVOKED));
        assertEquals("False", condition(v, ConditionType.REVIEW_DUE));
    }

    @Test
    void missingSourceIsNamed() {
        ModelVerdict v = ModelJudge.judge(sdxl(), null, NOW);
        assertFalse(v.ready());
        assertEquals("SourceNotTrusted", v.reason());
        assertEquals("ModelSource stability does not exist; create it or fix spec.source of "
                + "TrustedModel comfyui/sdxl-base", v.message());
        assertEquals("False", condition(v, ConditionType.SOURCE_TRUSTED));
    }

    @Test
    void brokenSourceKeyTakesSourceTrustedAwayNamingTheKey() {
        SigningKey broken = ecKey("release-2026");
        broken.setPublicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        ModelSource src = signingSource("stability", broken);
        TrustedModel tm = model("comfyui", "sdxl", "stability", file("a.safetensors", SHA_A, 1, null));
        tm.getSpec().setSignature(new SignatureSpec());
        ModelVerdict v = ModelJudge.judge(tm, src, NOW);
        assertFalse(v.ready());
        assertFalse(v.sourceTrusted());
        Condition st = Condition.find(v.conditions(), ConditionType.SOURCE_TRUSTED).orElseThrow();
        assertEquals("SourceNotReady", st.getReason());
        assertTrue(st.getMessage().contains("signing key 'release-2026'"), st.getMessage());
    }

    @Test
    void urlOutsideTheSourcePrefixesIsRefused() {
        TrustedModel tm = model("comfyui", "sdxl", "stability",
                file("a.safetensors", SHA_A, 1, "https://models.example.com/stability-mirror/a.safetensors"));
        ModelVerdict v = ModelJudge.judge(tm, STABILITY, NOW);
        assertFalse(v.ready());
        assertEquals("UrlOutsideSource", v.reason());
        assertTrue(v.message().contains("spec.files[0] (a.safetensors)"), v.message());
        assertTrue(v.message().contains("is not under any of the source's urls"), v.message());
    }

    @Test
    void duplicatePathsAreNotReady() {
        TrustedModel tm = model("comfyui", "dup", "stability", file("a.safetensors", SHA_A, 1, null),
                file("a.safetensors", SHA_B, 2, null));
        ModelVerdict v = ModelJudge.judge(tm, STABILITY, NOW);
        assertFalse(v.ready());
        assertEquals("DuplicatePath", v.reason());
        assertTrue(v.message().contains("'a.safetensors' is declared twice"), v.message());
        assertNull(v.manifestDigest());
    }

    @Test
    void signatureRequiredButNotDeclared() {
        ModelSource src = signingSource("stability", ecKey("k"));
        TrustedModel tm = model("comfyui", "sdxl", "stability", file("a.safetensors", SHA_A, 1, null));
        ModelVerdict v = ModelJudge.judge(tm, src, NOW);
        assertFalse(v.ready());
        assertEquals("SignatureMissing", v.reason());
        tm.getSpec().setSignature(new SignatureSpec());
        assertTrue(ModelJudge.judge(tm, src, NOW).ready());
    }

    @Test
    void revokedModelIsNotReadyAndSaysWhy() {
        TrustedModel tm = sdxl();
        Revocation r = new Revocation();
        r.setReason("CVE-2026-1234: pickle payload found in the VAE");
        tm.getSpec().setRevoked(r);
        ModelVerdict v = ModelJudge.judge(tm, STABILITY, NOW);
        assertFalse(v.ready());
        assertTrue(v.revoked());
        assertEquals("Revoked", v.reason());
        assertEquals("True", condition(v, ConditionType.REVOKED));
        assertTrue(v.message().contains("CVE-2026-1234"), v.message());
    }

    @Test
    void reviewDueIsReportedWithoutChangingReadyAndNextChangeIsTheDueInstant() {
        TrustedModel tm = sdxl();
        tm.getSpec().setReview(review("90d", "2026-03-10"));
        Instant due = Instant.parse("2026-06-08T00:00:00Z");
        ModelVerdict before = ModelJudge.judge(tm, STABILITY, NOW);
        assertFalse(before.reviewDue());
        assertEquals(Optional.of(due), before.nextChange());
        ModelVerdict after = ModelJudge.judge(tm, STABILITY, due);
        assertTrue(after.reviewDue());
        assertTrue(after.ready());
        assertEquals("True", condition(after, ConditionType.REVIEW_DUE));
    }

    @Test
    void conditionsMergeKeepsTransitionTimeWhenNothingChanged() {
        ModelVerdict v = ModelJudge.judge(sdxl(), STABILITY, NOW);
        var first = Conditions.merge(null, v.conditions(), NOW, 1L);
        var second = Conditions.merge(first, ModelJudge.judge(sdxl(), STABILITY, NOW.plusSeconds(60)).conditions(),
                NOW.plusSeconds(60), 1L);
        assertEquals(first, second);
        TrustedModel revoked = sdxl();
        revoked.getSpec().setRevoked(new Revocation());
        var third = Conditions.merge(second, ModelJudge.judge(revoked, STABILITY, NOW.plusSeconds(120)).conditions(),
                NOW.plusSeconds(120), 2L);
        Condition ready = Condition.find(third, ConditionType.READY).orElseThrow();
        assertEquals("False", ready.getStatus());
        assertEquals(NOW.plusSeconds(120).toString(), ready.getLastTransitionTime());
        assertEquals(2L, ready.getObservedGeneration());
    }
}
