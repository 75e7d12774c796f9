package dev.modelgate.admission.tls;

import dev.modelgate.config.ModelGateConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Where the webhook's serving certificate comes from.
 *
 * <p>{@code modelgate.webhook.tls-source=self-signed} (default): the operator's own CA and serving certificate,
 * kept in one Secret shared by every replica (created if absent, renewed when due), with the CA written into
 * both webhook configurations' {@code caBundle}. {@code cert-manager}: the certificate cert-manager writes into
 * a Secret mounted at {@code cert-file}/{@code key-file}; cert-manager's CA injector fills {@code caBundle}.
 * Either way {@link #load()} is called again every {@code rotation-check}, so a renewed certificate is served
 * without a restart. With {@code modelgate.webhook.url} (out of cluster) the configurations get
 * {@code clientConfig.url} and the self-signed certificate names the URL's host ({@link WebhookEndpoint}).
 */
@ApplicationScoped
public class WebhookTls {

    private static final Logger LOG = Logger.getLogger(WebhookTls.class);

    @Inject
    ModelGateConfig config;

    @Inject
    KubernetesClient client;

    private volatile WebhookCertificates.Bundle current;

    /** The certificate to serve now (and, self-signed, the Secret and caBundle brought up to date). */
    public synchronized WebhookCertificates.Bundle load() {
        WebhookCertificates.Bundle b;
        WebhookEndpoint endpoint = endpoint();
        if ("cert-manager".equals(config.webhook().tlsSource())) {
            b = new WebhookCertificates.Bundle(null, null, read(config.webhook().certFile()),
                    read(config.webhook().keyFile()), null);
            if (endpoint.outOfCluster()) { // cert-manager's CA injector writes caBundle; the URL is ours to write
                new CaBundlePatcher(client).patch(config.webhook().mutatingConfigurationName(),
                        config.webhook().validatingConfigurationName(), null, endpoint);
            }
        } else if ("self-signed".equals(config.webhook().tlsSource())) {
            String ns = config.operator().namespace();
            b = new CertificateSecret(client, ns, config.webhook().secretName(),
                    endpoint.certificateNames(config.webhook().serviceName(), ns), Instant::now,
                    config.webhook().renewBefore()).ensure();
            new CaBundlePatcher(client).patch(config.webhook().mutatingConfigurationName(),
                    config.webhook().validatingConfigurationName(), b.caBundle(), endpoint);
        } else {
            throw new IllegalStateException("modelgate.webhook.tls-source '" + config.webhook().tlsSource()
                    + "' is not one of self-signed, cert-manager");
        }
        if (!b.equals(current)) {
            LOG.infof("webhook serving certificate loaded (%s); valid until %s", config.webhook().tlsSource(),
                    WebhookCertificates.servingNotAfter(b));
        }
        current = b;
        return b;
    }

    /** Where the API server calls the webhooks (the Service, or modelgate.webhook.url out of cluster). */
    public WebhookEndpoint endpoint() {
        return WebhookEndpoint.of(config.webhook().url());
    }

    /** The bundle last loaded. */
    public WebhookCertificates.Bundle current() {
        return current;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the webhook certificate file " + file
                    + " (tls-source cert-manager): " + e.getMessage() + "; mount the cert-manager Secret there", e);
        }
    }
}
