package dev.modelgate.admission.tls;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Writes the CA bundle into every webhook of ModelGate's MutatingWebhookConfiguration and
 * ValidatingWebhookConfiguration, so API servers trust the certificate the replicas serve. Only entries that
 * differ are changed; a configuration that does not exist (yet) is left alone and reported.
 */
public final class CaBundlePatcher {

    private static final Logger LOG = Logger.getLogger(CaBundlePatcher.class);

    private final KubernetesClient client;

    public CaBundlePatcher(KubernetesClient client) {
        this.client = client;
    }

    /** Patches both configurations; returns how many webhook entries were changed. */
    public int patch(String mutatingName, String validatingName, String caBundlePem) {
        String encoded = Base64.getEncoder().encodeToString(caBundlePem.getBytes(StandardCharsets.UTF_8));
        int changed = 0;
        MutatingWebhookConfiguration m = client.admissionRegistration().v1().mutatingWebhookConfigurations()
                .withName(mutatingName).get();
        if (m == null) {
            LOG.warnf("MutatingWebhookConfiguration %s not found; caBundle not written (install the chart or "
                    + "manifests/ so the webhook is called)", mutatingName);
        } else {
            int n = 0;
            for (MutatingWebhook w : m.getWebhooks()) {
                if (!Objects.equals(encoded, w.getClientConfig().getCaBundle())) {
                    w.getClientConfig().setCaBundle(encoded);
                    n++;
                }
            }
            if (n > 0) {
                client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(m).update();
                changed += n;
            }
        }
        ValidatingWebhookConfiguration v = client.admissionRegistration().v1().validatingWebhookConfigurations()
                .withName(validatingName).get();
        if (v == null) {
            LOG.warnf("ValidatingWebhookConfiguration %s not found; caBundle not written (install the chart or "
                    + "manifests/ so the webhook is called)", validatingName);
        } else {
            int n = 0;
            for (ValidatingWebhook w : v.getWebhooks()) {
                if (!Objects.equals(encoded, w.getClientConfig().getCaBundle())) {
                    w.getClientConfig().setCaBundle(encoded);
                    n++;
                }
            }
            if (n > 0) {
                client.admissionRegistration().v1().validatingWebhookConfigurations().resource(v).update();
                changed += n;
            }
        }
        return changed;
    }
}
