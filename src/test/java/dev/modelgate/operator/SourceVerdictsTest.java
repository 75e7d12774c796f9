package dev.modelgate.operator;

import static dev.modelgate.policy.PolicyFixtures.ecKey;
import static dev.modelgate.policy.PolicyFixtures.signingSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.SigningKey;
import dev.modelgate.policy.SourceJudge;
import dev.modelgate.policy.SourceVerdict;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The verdict cache must never answer differently from judging the source now. */
class SourceVerdictsTest {

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

    @Test
    void sameVersionIsJudgedOnce() {
        SourceVerdicts cache = new SourceVerdicts();
        ModelSource s = stored("u1", "7");
        SourceVerdict first = cache.judge(s, NOW);
        assertSame(first, cache.judge(s, NOW.plusSeconds(60)));
        assertEquals(SourceJudge.judge(s, NOW), first);
    }

    @Test
    void aNewVersionOrANewObjectIsJudgedAgain() {
        SourceVerdicts cache = new SourceVerdicts();
        SourceVerdict first = cache.judge(stored("u1", "7"), NOW);
        ModelSource revoked = stored("u1", "8");
        revoked.getSpec().getSigning().getKeys().get(0).setRevoked(true);
        SourceVerdict second = cache.judge(revoked, NOW);
        assertTrue(first.ready());
        assertFalse(second.ready(), "a revoked key must be seen at once, not after the cached verdict ages out");
        assertNotSame(second, cache.judge(stored("u2", "8"), NOW), "same name and version, but another object");
    }

    @Test
    void aVerdictIsNotReusedOnceTimeAloneWouldChangeIt() {
        SourceVerdicts cache = new SourceVerdicts();
        ModelSource s = stored("u1", "7");
        assertTrue(cache.judge(s, NOW).ready());
        SourceVerdict atExpiry = cache.judge(s, EXPIRY);
        assertFalse(atExpiry.ready(), "the key expired at nextChange: " + atExpiry.message());
        // A clock that goes back (tests, or a corrected node clock) is judged afresh too.
        assertTrue(cache.judge(s, NOW).ready());
    }

    @Test
    void sourcesWithoutServerMetadataAreAlwaysJudged() {
        SourceVerdicts cache = new SourceVerdicts();
        ModelSource s = stored(null, null);
        assertNotSame(cache.judge(s, NOW), cache.judge(s, NOW));
    }
}
