package dev.modelgate.policy;

import static dev.modelgate.policy.PolicyFixtures.SHA_A;
import static dev.modelgate.policy.PolicyFixtures.ecKey;
import static dev.modelgate.policy.PolicyFixtures.file;
import static dev.modelgate.policy.PolicyFixtures.model;
import static dev.modelgate.policy.PolicyFixtures.review;
import static dev.modelgate.policy.PolicyFixtures.signingSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.Revocation;
import dev.modelgate.api.v1alpha1.SignatureSpec;
import dev.modelgate.api.v1alpha1.SigningKey;
import dev.modelgate.api.v1alpha1.TrustedModel;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The verdict cache must never answer differently from judging the objects now. */
class VerdictCacheTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final Instant EXPIRY = Instant.parse("2026-07-01T00:00:00Z");

    private static ModelSource stored(String uid, String resourceVersion) {
        SigningKey k = ecKey("k");
        k.setNotAfter(EXPIRY.toString());
        ModelSource s = signingSource("s", k);
        s.getMetadata().setUid(uid);
        s.getMetadata().setResourceVersion(resourceVersion);
        return s;
    }

    private static TrustedModel storedModel(String resourceVersion) {
        TrustedModel tm = model("ns", "m", "s", file("m.safetensors", SHA_A, 3, null));
        tm.getMetadata().setUid("m-uid");
        tm.getMetadata().setResourceVersion(resourceVersion);
        tm.getSpec().setSignature(new SignatureSpec()); // the source requires signed models
        return tm;
    }

    @Test
    void sameVersionIsJudgedOnce() {
        VerdictCache cache = new VerdictCache();
        ModelSource s = stored("u1", "7");
        SourceVerdict first = cache.source(s, NOW);
        assertSame(first, cache.source(s, NOW.plusSeconds(60)));
        assertEquals(SourceJudge.judge(s, NOW), first);
    }

    @Test
    void aNewVersionOrANewObjectIsJudgedAgain() {
        VerdictCache cache = new VerdictCache();
        SourceVerdict first = cache.source(stored("u1", "7"), NOW);
        ModelSource revoked = stored("u1", "8");
        revoked.getSpec().getSigning().getKeys().get(0).setRevoked(true);
        SourceVerdict second = cache.source(revoked, NOW);
        assertTrue(first.ready());
        assertFalse(second.ready(), "a revoked key must be seen at once, not after the cached verdict ages out");
        assertNotSame(second, cache.source(stored("u2", "8"), NOW), "same name and version, but another object");
    }

    @Test
    void aVerdictIsNotReusedOnceTimeAloneWouldChangeIt() {
        VerdictCache cache = new VerdictCache();
        ModelSource s = stored("u1", "7");
        assertTrue(cache.source(s, NOW).ready());
        SourceVerdict atExpiry = cache.source(s, EXPIRY);
        assertFalse(atExpiry.ready(), "the key expired at nextChange: " + atExpiry.message());
        // A clock that goes back (tests, or a corrected node clock) is judged afresh too.
        assertTrue(cache.source(s, NOW).ready());
    }

    @Test
    void objectsWithoutServerMetadataAreAlwaysJudged() {
        VerdictCache cache = new VerdictCache();
        ModelSource s = stored(null, null);
        assertNotSame(cache.source(s, NOW), cache.source(s, NOW));
        TrustedModel tm = model("ns", "m", "s", file("m.safetensors", SHA_A, 3, null));
        assertNotSame(cache.model(tm, s, NOW), cache.model(tm, s, NOW));
    }

    @Test
    void aModelVerdictFollowsTheModelItsSourceAndTime() {
        VerdictCache cache = new VerdictCache();
        ModelSource s = stored("u1", "7");
        TrustedModel tm = storedModel("1");
        ModelVerdict first = cache.model(tm, s, NOW);
        assertTrue(first.ready(), first.message());
        assertSame(first, cache.model(tm, s, NOW.plusSeconds(1)));

        TrustedModel revoked = storedModel("2");
        revoked.getSpec().setRevoked(new Revocation("CVE-2026-0001"));
        assertTrue(cache.model(revoked, s, NOW).revoked(), "a new model version is judged again");

        ModelSource keyRevoked = stored("u1", "8");
        keyRevoked.getSpec().getSigning().getKeys().get(0).setRevoked(true);
        assertFalse(cache.model(tm, keyRevoked, NOW).sourceTrusted(), "a new source version is judged again");
        assertFalse(cache.model(tm, null, NOW).ready(), "the source was deleted");

        TrustedModel reviewed = storedModel("3");
        reviewed.getSpec().setReview(review("30d", "2026-05-15"));
        ModelVerdict beforeDue = cache.model(reviewed, s, NOW);
        assertFalse(beforeDue.reviewDue());
        assertEquals(Instant.parse("2026-06-14T00:00:00Z"), beforeDue.nextChange().orElseThrow());
        assertSame(beforeDue, cache.model(reviewed, s, Instant.parse("2026-06-13T23:59:59Z")));
        assertTrue(cache.model(reviewed, s, Instant.parse("2026-06-14T00:00:00Z")).reviewDue(),
                "the review falls due by time alone, with nothing written to the cluster");
    }
}
