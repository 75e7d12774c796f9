package dev.modelgate.signing;

import dev.modelgate.integrity.EngineOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * Key-based OMS bundles only: a {@link SignaturePolicy} that trusts a fixed list of keys and nothing else (the
 * {@code modelgate verify --key} form and the tests of the key path). See {@link SignaturePolicy} for the steps.
 */
public final class KeyVerifier {

    /** Bundles are small JSON; anything larger than this is refused unread. */
    public static final long MAX_BUNDLE_BYTES = SignaturePolicy.MAX_BUNDLE_BYTES;

    private final SignaturePolicy policy;

    public KeyVerifier(KeyTrust trust, IgnorePolicy ignore, EngineOptions options) {
        this.policy = SignaturePolicy.ofKeys(trust.keys(), trust.clock()).withIgnore(ignore).withEngine(options);
    }

    public KeyVerifier(KeyTrust trust) {
        this(trust, IgnorePolicy.honourSigner(List.of()), EngineOptions.defaults());
    }

    /** Reads {@code bundlePath} and verifies {@code model} (a directory, or a single file) with it. */
    public SignatureVerification verify(Path model, Path bundlePath) {
        return policy.verify(model, bundlePath);
    }

    /** Verifies {@code model} with the bundle {@code bundleJson}; {@code bundlePath} (may be null) is left out. */
    public SignatureVerification verify(Path model, byte[] bundleJson, Path bundlePath) {
        return policy.verify(model, bundleJson, bundlePath);
    }
}
