package dev.modelgate.policy;

import dev.modelgate.api.v1alpha1.ModelFile;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.ModelSourceSpec;
import dev.modelgate.api.v1alpha1.SignatureSpec;
import dev.modelgate.api.v1alpha1.SigningKey;
import dev.modelgate.api.v1alpha1.SigningSpec;
import dev.modelgate.api.v1alpha1.TlsSpec;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.api.v1alpha1.TrustedModelSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;

/** TrustedModel and ModelSource objects for plan tests, built the way the API server would hold them. */
public final class PlanFixtures {

    public static final String SHA_A = "a".repeat(64);
    public static final String SHA_B = "b".repeat(64);

    private PlanFixtures() {
    }

    public static TrustedModel model(String namespace, String name, String source, ModelFile... files) {
        TrustedModel tm = new TrustedModel();
        tm.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        TrustedModelSpec spec = new TrustedModelSpec();
        spec.setSource(source);
        spec.setFiles(new ArrayList<>(List.of(files)));
        tm.setSpec(spec);
        return tm;
    }

    public static ModelFile file(String path, String sha256, long size, String url) {
        ModelFile f = new ModelFile(path, sha256, size);
        f.setUrl(url);
        return f;
    }

    public static ModelSource source(String name, String... urls) {
        ModelSource ms = new ModelSource();
        ms.setMetadata(new ObjectMetaBuilder().withName(name).build());
        ModelSourceSpec spec = new ModelSourceSpec();
        spec.setUrls(new ArrayList<>(List.of(urls)));
        ms.setSpec(spec);
        return ms;
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
