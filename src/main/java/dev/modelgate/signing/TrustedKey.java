package dev.modelgate.signing;

import dev.modelgate.api.v1alpha1.SigningKey;
import java.security.PublicKey;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A public key a policy trusts, with its validity window and revocation: {@code ModelSource.spec.signing.keys[]}
 * as plain data. Rotation is two trusted keys at once; the verification result names the one that verified.
 *
 * @param name      the key's name in the policy (reported on success and failure)
 * @param key       ECDSA P-256, P-384 or P-521
 * @param notBefore signatures are not accepted before this instant (null: no lower bound)
 * @param notAfter  signatures are not accepted after this instant (null: no upper bound)
 * @param revoked   the key must no longer be trusted
 * @param reason    why it was revoked
 */
public record TrustedKey(String name, PublicKey key, Instant notBefore, Instant notAfter, boolean revoked,
        String reason) {

    public TrustedKey {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a trusted key needs a name");
        }
        if (key == null) {
            throw new IllegalArgumentException("trusted key '" + name + "' has no public key");
        }
        if (notBefore != null && notAfter != null && !notBefore.isBefore(notAfter)) {
            throw new IllegalArgumentException("trusted key '" + name + "': notBefore must be earlier than notAfter");
        }
    }

    /** A key trusted without limits (the {@code modelgate verify --key} form). */
    public static TrustedKey of(String name, PublicKey key) {
        return new TrustedKey(name, key, null, null, false, null);
    }

    public TrustedKey withWindow(Instant from, Instant until) {
        return new TrustedKey(name, key, from, until, revoked, reason);
    }

    public TrustedKey withRevoked(String why) {
        return new TrustedKey(name, key, notBefore, notAfter, true, why);
    }

    /** From the custom resource; a malformed key or date is bad input naming the key. */
    public static TrustedKey fromApi(SigningKey k) throws OmsException {
        PublicKey pk;
        try {
            pk = EcKeys.readPublicKeyPem(k.getPublicKey() == null ? "" : k.getPublicKey());
        } catch (OmsException e) {
            throw OmsException.badInput("signing key '" + k.getName() + "': " + e.getMessage());
        }
        return new TrustedKey(k.getName(), pk, instant(k, "notBefore", k.getNotBefore()),
                instant(k, "notAfter", k.getNotAfter()), k.revokedKey(), k.getReason());
    }

    private static Instant instant(SigningKey k, String field, String value) throws OmsException {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw OmsException.badInput("signing key '" + k.getName() + "': " + field + " '" + value
                    + "' is not an RFC 3339 date-time");
        }
    }

    /** {@code publicKey.hint} of this key. */
    public String hint() {
        return EcKeys.hint(key);
    }

    /** Why this key may not be relied on at {@code now}, or empty when it may. */
    public Optional<String> problemAt(Instant now) {
        if (revoked) {
            return Optional.of("key '" + name + "' is revoked" + (reason == null || reason.isBlank() ? ""
                    : " (" + reason + ")"));
        }
        if (notBefore != null && now.isBefore(notBefore)) {
            return Optional.of("key '" + name + "' is not valid before " + notBefore + " (now " + now + ")");
        }
        if (notAfter != null && now.isAfter(notAfter)) {
            return Optional.of("key '" + name + "' expired at " + notAfter + " (now " + now + ")");
        }
        return Optional.empty();
    }
}
