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
}
