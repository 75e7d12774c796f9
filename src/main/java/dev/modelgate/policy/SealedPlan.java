package dev.modelgate.policy;

import dev.modelgate.integrity.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A verification plan with its canonical JSON and that JSON's sha256, computed once: the webhooks embed and
 * compare these on every admission, and serialising and hashing a plan is most of the cost of building one.
 */
public record SealedPlan(VerificationPlan plan, String json, String sha256) {

    public static SealedPlan of(VerificationPlan plan) {
        byte[] bytes = plan.toJsonBytes();
        return new SealedPlan(plan, new String(bytes, StandardCharsets.UTF_8),
                HexFormat.of().formatHex(Sha256.newDigest().digest(bytes)));
    }
}
