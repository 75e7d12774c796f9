package dev.modelgate.signing;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys a verification may rely on and the clock their windows are judged against. Validity is judged at
 * verification time: a key-based bundle carries no trusted time of signing (see docs/signing.md).
 */
public record KeyTrust(List<TrustedKey> keys, Clock clock) {

    public KeyTrust {
        keys = List.copyOf(keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no trusted keys to verify with");
        }
        Set<String> names = new HashSet<>();
        for (TrustedKey k : keys) {
            if (!names.add(k.name())) {
                throw new IllegalArgumentException("trusted key name '" + k.name() + "' is used twice");
            }
        }
        if (clock == null) {
            throw new IllegalArgumentException("a clock is needed to judge key validity");
        }
    }

    public static KeyTrust of(TrustedKey... keys) {
        return new KeyTrust(List.of(keys), Clock.systemUTC());
    }

    /**
     * The keys of {@code ModelSource.spec.signing}; a malformed key or date is bad input naming the key, and a
     * source without keys cannot verify key-based bundles.
     */
    public static KeyTrust fromSpec(dev.modelgate.api.v1alpha1.SigningSpec spec, Clock clock) throws OmsException {
        if (spec == null || spec.getKeys() == null || spec.getKeys().isEmpty()) {
            throw OmsException.badInput("the source lists no signing keys to verify key-based bundles with");
        }
        List<TrustedKey> keys = new java.util.ArrayList<>();
        for (dev.modelgate.api.v1alpha1.SigningKey k : spec.getKeys()) {
            keys.add(TrustedKey.fromApi(k));
        }
        try {
            return new KeyTrust(keys, clock);
        } catch (IllegalArgumentException e) {
            throw OmsException.badInput(e.getMessage());
        }
    }
}
