package dev.modelgate.policy;

import dev.modelgate.api.v1alpha1.ModelFile;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.SignatureSpec;
import dev.modelgate.api.v1alpha1.SigningKey;
import dev.modelgate.api.v1alpha1.SigningSpec;
import dev.modelgate.api.v1alpha1.TlsSpec;
import dev.modelgate.api.v1alpha1.TrustedModel;

/** TrustedModel and ModelSource objects for plan tests, built the way the API server would hold them. */
public final class PlanFixtures {

    public static final String SHA_A = PolicyFixtures.SHA_A;
    public static final String SHA_B = PolicyFixtures.SHA_B;

    private PlanFixtures() {
    }

    public static TrustedModel model(String namespace, String name, String source, ModelFile... files) {
        return PolicyFixtures.model(namespace, name, source, files);
    }

    public static ModelFile file(String path, String sha256, long size, String url) {
        return PolicyFixtures.file(path, sha256, size, url);
    }

    public static ModelSource source(String name, String... urls) {
        return PolicyFixtures.source(name, urls);
    }

    public static ModelSource withCa(ModelSource ms, String pem) {
        ms.getSpec().setTls(new TlsSpec(pem));
        return ms;
    }

    public static ModelSource withKey(ModelSource ms, boolean required, String keyName, String publicKeyPem) {
        SigningSpec s = ms.getSpec().getSigning() == null ? new SigningSpec() : ms.getSpec().getSigning();
        s.setRequired(required);
        s.getKeys().add(new SigningKey(keyName, publicKeyPem));
        ms.getSpec().setSigning(s);
        return ms;
    }

    public static TrustedModel withBundle(TrustedModel tm, String bundlePath) {
        tm.getSpec().setSignature(new SignatureSpec(bundlePath));
        return tm;
    }
}
