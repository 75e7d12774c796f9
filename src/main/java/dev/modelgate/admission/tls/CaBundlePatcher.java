package dev.modelgate.admission.tls;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Writes what the API server needs to call ModelGate's webhooks into every webhook of its
 * MutatingWebhookConfiguration and ValidatingWebhookConfiguration: the CA bundle (self-signed TLS), and out of
 * cluster ({@link WebhookEndpoint#outOfCluster()}) {@code clientConfig.url}, the endpoint's URL plus the webhook's
 * path, in place of the {@code service} reference. Only entries that differ are changed; a configuration that does
 * not exist (yet) is left alone and reported. Updates carry the read resourceVersion; on a conflict the
 * configuration is read again.
 */
public final class CaBundlePatcher {

    private static final Logger LOG = Logger.getLogger(CaBundlePatcher.class);
    private static final int ATTEMPTS = 5;

    private final KubernetesClient client;

    public CaBundlePatcher(KubernetesClient client) {
        this.client = client;
    }

    /** Patches both configurations' caBundle; returns how many webhook entries were changed. */
    public int patch(String mutatingName, String validatingName, String caBundlePem) {
        return patch(mutatingName, validatingName, caBundlePem, WebhookEndpoint.SERVICE);
    }

    /**
     * Brings both configurations in line: caBundle (unless {@code caBundlePem} is null, as with cert-manager, whose
     * CA injector writes it) and, out of cluster, {@code clientConfig.url}. Returns how many entries changed.
     */
    public int patch(String mutatingName, String validatingName, String caBundlePem, WebhookEndpoint endpoint) {
        String encoded = caBundlePem == null ? null
                : Base64.getEncoder().encodeToString(caBundlePem.getBytes(StandardCharsets.UTF_8));
        int changed = 0;
        for (int attempt = 1; ; attempt++) {
            try {
                changed += patchMutating(mutatingName, encoded, endpoint);
                break;
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
        for (int attempt = 1; ; attempt++) {
            try {
                changed += patchValidating(validatingName, encoded, endpoint);
                break;
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
        return changed;
    }

    private int patchMutating(String name, String encoded, WebhookEndpoint endpoint) {
        MutatingWebhookConfiguration m = client.admissionRegistration().v1().mutatingWebhookConfigurations()
                .withName(name).get();
        if (m == null) {
            LOG.warnf("MutatingWebhookConfiguration %s not found; caBundle not written (install the chart or "
                    + "manifests/ so the webhook is called)", name);
            return 0;
        }
        int n = 0;
        for (MutatingWebhook w : m.getWebhooks()) {
            n += align(name, w.getName(), w.getClientConfig(), encoded, endpoint) ? 1 : 0;
        }
        if (n > 0) {
            client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(m).update();
        }
        return n;
    }

    private int patchValidating(String name, String encoded, WebhookEndpoint endpoint) {
        ValidatingWebhookConfiguration v = client.admissionRegistration().v1().validatingWebhookConfigurations()
                .withName(name).get();
        if (v == null) {
            LOG.warnf("ValidatingWebhookConfiguration %s not found; caBundle not written (install the chart or "
                    + "manifests/ so the webhook is called)", name);
            return 0;
        }
        int n = 0;
        for (ValidatingWebhook w : v.getWebhooks()) {
            n += align(name, w.getName(), w.getClientConfig(), encoded, endpoint) ? 1 : 0;
        }
        if (n > 0) {
            client.admissionRegistration().v1().validatingWebhookConfigurations().resource(v).update();
        }
        return n;
    }

    /** True when {@code cc} was changed to carry the caBundle and, out of cluster, the URL. */
    static boolean align(String configuration, String webhook, WebhookClientConfig cc, String encodedCa,
            WebhookEndpoint endpoint) {
        boolean changed = false;
        if (encodedCa != null && !Objects.equals(encodedCa, cc.getCaBundle())) {
            cc.setCaBundle(encodedCa);
            changed = true;
        }
        if (endpoint.outOfCluster()) {
            String url = endpoint.url(path(configuration, webhook, cc));
            if (!url.equals(cc.getUrl()) || cc.getService() != null) {
                cc.setUrl(url);
                cc.setService(null);
                changed = true;
            }
        }
        return changed;
    }

    /** The webhook's path: from its service reference, else from the URL it already has. */
    static String path(String configuration, String webhook, WebhookClientConfig cc) {
        if (cc.getService() != null && cc.getService().getPath() != null) {
            return cc.getService().getPath();
        }
        if (cc.getUrl() != null) {
            String path = URI.create(cc.getUrl()).getRawPath();
            for (String known : List.of("/mutate", "/validate")) {
                if (path != null && path.endsWith(known)) {
                    return known;
                }
            }
        }
        throw new IllegalStateException("webhook " + webhook + " of configuration " + configuration
                + " has no service path and no URL ending in /mutate or /validate; reinstall it from the chart "
                + "or manifests/ so its path is known");
    }
}
