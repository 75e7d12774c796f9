package dev.modelgate.admission.tls;

import dev.modelgate.config.ModelGateConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.BaseTlsConfiguration;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLOptions;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Serves the webhooks with the operator's own certificate when cert-manager is not used
 * ({@code modelgate.webhook.tls-source=self-signed}). At start-up, before the HTTPS port opens, it reads (or
 * creates) the shared Secret, registers the certificate as TLS configuration {@value #TLS_CONFIGURATION} (which
 * {@code quarkus.http.tls-configuration-name} names) and writes the CA into both webhook configurations. Every
 * {@code rotation-check} it renews what is due and swaps the served certificate without a restart.
 *
 * <p>With {@code tls-source=cert-manager}, the chart defines {@value #TLS_CONFIGURATION} from the mounted
 * cert-manager Secret files ({@code quarkus.tls.modelgate-webhook.key-store.pem...}, with a reload period) and
 * cert-manager's CA injector fills {@code caBundle}; this class then does nothing.
 */
@ApplicationScoped
public class WebhookTls {

    /** The TLS configuration name the HTTPS server uses. */
    public static final String TLS_CONFIGURATION = "modelgate-webhook";

    private static final Logger LOG = Logger.getLogger(WebhookTls.class);

    @Inject
    ModelGateConfig config;

    @Inject
    KubernetesClient client;

    @Inject
    TlsConfigurationRegistry registry;

    @Inject
    Event<CertificateUpdatedEvent> updates;

    private final Served served = new Served();
    private ScheduledExecutorService rotation;
    private volatile WebhookCertificates.Bundle current;

    /** Runs before the HTTP server opens its sockets (Quarkus opens them after the start-up event). */
    void start(@Observes @Priority(1) StartupEvent ignored) {
        if (!"self-signed".equals(config.webhook().tlsSource())) {
            return;
        }
        refresh();
        registry.register(TLS_CONFIGURATION, served);
        rotation = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "modelgate-webhook-tls");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, config.webhook().rotationCheck().toSeconds());
        rotation.scheduleWithFixedDelay(this::rotate, every, every, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (rotation != null) {
            rotation.shutdownNow();
        }
    }

    /** The bundle being served (null when cert-manager provides the certificate). */
    public WebhookCertificates.Bundle current() {
        return current;
    }

    /** Re-reads the Secret (renewing it when due), serves what it holds and refreshes caBundle. */
    public synchronized void rotate() {
        try {
            WebhookCertificates.Bundle before = current;
            refresh();
            if (!current.equals(before)) {
                LOG.infof("webhook serving certificate replaced; it is valid until %s",
                        WebhookCertificates.servingNotAfter(current));
                updates.fire(new CertificateUpdatedEvent(TLS_CONFIGURATION, served));
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "webhook certificate rotation failed; the current certificate stays in use until %s",
                    current == null ? "unknown" : WebhookCertificates.servingNotAfter(current));
        }
    }

    private void refresh() {
        String ns = config.operator().namespace();
        CertificateSecret secret = new CertificateSecret(client, ns, config.webhook().secretName(),
                WebhookCertificates.serviceDnsNames(config.webhook().serviceName(), ns), Instant::now,
                config.webhook().renewBefore());
        WebhookCertificates.Bundle b = secret.ensure();
        served.set(b);
        current = b;
        new CaBundlePatcher(client).patch(config.webhook().mutatingConfigurationName(),
                config.webhook().validatingConfigurationName(), b.caBundle());
    }

    /** The TLS configuration handed to the HTTP server: the current serving key and chain, from memory. */
    static final class Served extends BaseTlsConfiguration {
        private volatile PemKeyCertOptions options;

        void set(WebhookCertificates.Bundle b) {
            options = new PemKeyCertOptions().addCertValue(Buffer.buffer(b.servingCert()))
                    .addKeyValue(Buffer.buffer(b.servingKey()));
        }

        @Override
        public KeyCertOptions getKeyStoreOptions() {
            return options;
        }

        @Override
        public SSLOptions getSSLOptions() {
            SSLOptions o = new SSLOptions();
            o.setKeyCertOptions(options);
            return o;
        }

        @Override
        public String getName() {
            return TLS_CONFIGURATION;
        }
    }
}
