package dev.modelgate.policy;

import static dev.modelgate.policy.PolicyFixtures.caPem;
import static dev.modelgate.policy.PolicyFixtures.ecKey;
import static dev.modelgate.policy.PolicyFixtures.review;
import static dev.modelgate.policy.PolicyFixtures.rsaKey;
import static dev.modelgate.policy.PolicyFixtures.signingSource;
import static dev.modelgate.policy.PolicyFixtures.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.api.v1alpha1.ConditionType;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.SigningKey;
import dev.modelgate.api.v1alpha1.TlsSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SourceJudgeTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    @Test
    void sourceWithValidKeysIsReadyAndCountsThem() {
        SourceVerdict v = SourceJudge.judge(signingSource("stability", ecKey("release-2026"), ecKey("release-2025")),
                NOW);
        assertTrue(v.ready(), v.message());
        assertEquals("SourceValid", v.reason());
        assertEquals(2, v.validKeys());
        assertEquals(ConditionType.READY, v.conditions().get(0).getType());
        assertEquals("True", v.conditions().get(0).getStatus());
    }

    @Test
    void keyThatDoesNotParseMakesSourceNotReadyNamingTheKey() {
        SigningKey broken = ecKey("release-2026");
        broken.setPublicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        SourceVerdict v = SourceJudge.judge(signingSource("stability", ecKey("old"), broken), NOW);
        assertFalse(v.ready());
        assertEquals("KeyInvalid", v.reason());
        assertTrue(v.message().startsWith("ModelSource stability: "), v.message());
        assertTrue(v.message().contains("signing key 'release-2026'"), v.message());
        assertTrue(v.message().endsWith("fix or remove the key in spec.signing.keys"), v.message());
    }

    @Test
    void weakRsaKeyIsBelowStrength() {
        SourceVerdict v = SourceJudge.judge(signingSource("s", rsaKey("legacy", 1024)), NOW);
        assertFalse(v.ready());
        assertEquals("KeyTooWeak", v.reason());
        assertTrue(v.message().contains("signing key 'legacy' is RSA with 1024 bits, below the minimum of 2048"),
                v.message());
    }

    @Test
    void strongRsaKeyIsStillNotAModelSigningKey() {
        SourceVerdict v = SourceJudge.judge(signingSource("s", rsaKey("rsa", 2048)), NOW);
        assertFalse(v.ready());
        assertEquals("KeyInvalid", v.reason());
        assertTrue(v.message().contains("is RSA; OpenSSF Model Signing keys are ECDSA"), v.message());
    }

    @Test
    void revokedAndExpiredKeysAreCountedAndNotedButRotationKeepsTheSourceReady() {
        SigningKey revoked = ecKey("leaked");
        revoked.setRevoked(true);
        revoked.setReason("private key leaked in CI logs");
        SigningKey expired = ecKey("2024");
        expired.setNotAfter("2025-01-01T00:00:00Z");
        SourceVerdict v = SourceJudge.judge(signingSource("s", revoked, expired, ecKey("current")), NOW);
        assertTrue(v.ready(), v.message());
        assertEquals(1, v.validKeys());
        assertEquals(1, v.revokedKeys());
        assertEquals(1, v.expiredKeys());
        assertTrue(v.message().contains("key 'leaked' is revoked (private key leaked in CI logs)"), v.message());
        assertTrue(v.message().contains("key '2024' expired at 2025-01-01T00:00:00Z"), v.message());
    }

    @Test
    void signingRequiredWithNothingValidLeftIsNotReady() {
        SigningKey expired = ecKey("only");
        expired.setNotAfter("2026-05-31T00:00:00Z");
        SourceVerdict v = SourceJudge.judge(signingSource("s", expired), NOW);
        assertFalse(v.ready());
        assertEquals("NoValidKeys", v.reason());
        assertTrue(v.message().contains("requires signed models but has no valid key"), v.message());
    }

    @Test
    void keyExpiryIsTheNextChange() {
        SigningKey k = ecKey("k");
        k.setNotAfter("2026-07-01T00:00:00Z");
        SourceVerdict v = SourceJudge.judge(signingSource("s", k), NOW);
        assertEquals(Optional.of(Instant.parse("2026-07-01T00:00:00Z")), v.nextChange());
        // At that instant the key is expired, and with signing required the source stops being Ready.
        SourceVerdict later = SourceJudge.judge(signingSource("s", k), Instant.parse("2026-07-01T00:00:00Z"));
        assertFalse(later.ready());
        assertEquals(1, later.expiredKeys());
    }

    @Test
    void expiredCaBundleCertificateIsNamed() {
        ModelSource s = source("internal", "https://models.corp.example/");
        s.getSpec().setTls(new TlsSpec(caPem("Old Corp CA", NOW.minus(Duration.ofDays(400)),
                NOW.minus(Duration.ofDays(1)))));
        SourceVerdict v = SourceJudge.judge(s, NOW);
        assertFalse(v.ready());
        assertEquals("CertificateExpired", v.reason());
        assertTrue(v.message().contains("spec.tls.caBundle: certificate 'CN=Old Corp CA' expired at"), v.message());
    }

    @Test
    void caBundleThatIsNotPemIsRefused() {
        ModelSource s = source("internal", "https://models.corp.example/");
        s.getSpec().setTls(new TlsSpec("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"));
        SourceVerdict v = SourceJudge.judge(s, NOW);
        assertFalse(v.ready());
        assertEquals("CertificateInvalid", v.reason());
    }

    @Test
    void currentCaBundleIsFine() {
        ModelSource s = source("internal", "https://models.corp.example/");
        s.getSpec().setTls(new TlsSpec(caPem("Corp CA", NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(30)))));
        SourceVerdict v = SourceJudge.judge(s, NOW);
        assertTrue(v.ready(), v.message());
        assertTrue(v.nextChange().isPresent());
    }

    @Test
    void plainHttpPrefixIsRefused() {
        SourceVerdict v = SourceJudge.judge(source("s", "http://models.example.com/"), NOW);
        assertFalse(v.ready());
        assertEquals("InvalidUrl", v.reason());
        assertTrue(v.message().contains("is not https://"), v.message());
    }

    @Test
    void reviewFallsDueExactlyAtLastReviewedPlusInterval() {
        ModelSource s = source("s", "https://models.example.com/");
        s.getSpec().setReview(review("30d", "2026-05-02"));
        Instant due = Instant.parse("2026-06-01T00:00:00Z");
        SourceVerdict before = SourceJudge.judge(s, due.minusSeconds(1));
        assertFalse(before.reviewDue());
        assertEquals(Optional.of(due), before.nextChange());
        SourceVerdict at = SourceJudge.judge(s, due);
        assertTrue(at.reviewDue());
        assertTrue(at.ready(), "an overdue review does not make the source unusable by itself");
        assertEquals("ReviewOverdue", at.conditions().get(1).getReason());
    }
}
