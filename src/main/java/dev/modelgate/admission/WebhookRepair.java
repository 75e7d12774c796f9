package dev.modelgate.admission;

import dev.modelgate.admission.tls.WebhookTls;
import dev.modelgate.config.ModelGateConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Watches the objects the webhooks depend on, by name, and repairs them as soon as someone deletes or edits them:
 * the self-signed TLS Secret (recreated, or rewritten, and then served) and both webhook configurations (caBundle
 * and, out of cluster, clientConfig.url written back). A broken caBundle makes the API server's calls fail, and
 * with {@code failurePolicy: Fail} that refuses every pod in opted-in namespaces, so waiting for the hourly
 * {@code rotation-check} is too slow; that timer stays as a safety net.
 *
 * <p>Events are debounced ({@link #DEBOUNCE}): a burst (our own write echoing back, a Helm upgrade touching all
 * three) leads to one repair. A repair that finds everything in line writes nothing, so the echo of a repair
 * ends the loop. Every replica watches; concurrent repairs are safe (the Secret is created once, updates carry
 * resourceVersions).
 */
@ApplicationScoped
public class WebhookRepair {

    private static final Logger LOG = Logger.getLogger(WebhookRepair.class);

    /** How long to wait after an event for more before repairing. */
    static final Duration DEBOUNCE = Duration.ofMillis(300);
    /** How long to wait before trying a failed repair again. */
    static final Duration RETRY = Duration.ofSeconds(5);

    @Inject
    KubernetesClient client;

    @Inject
    ModelGateConfig config;

    @Inject
    WebhookServer server;

    @Inject
    WebhookTls tls;

    private final List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private ScheduledExecutorService executor;

    void start(@Observes StartupEvent ignored) {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "modelgate-webhook-repair");
            t.setDaemon(true);
            return t;
        });
        boolean selfSigned = "self-signed".equals(config.webhook().tlsSource());
        if (selfSigned) {
            informers.add(client.secrets().inNamespace(config.operator().namespace())
                    .withName(config.webhook().secretName()).inform(handler("Secret " + config.operator().namespace()
                            + "/" + config.webhook().secretName())));
        }
        // With cert-manager, cert-manager's CA injector owns caBundle; only an out-of-cluster URL is ours to keep.
        if (selfSigned || tls.endpoint().outOfCluster()) {
            informers.add(client.admissionRegistration().v1().mutatingWebhookConfigurations()
                    .withName(config.webhook().mutatingConfigurationName())
                    .inform(handler("MutatingWebhookConfiguration " + config.webhook().mutatingConfigurationName())));
            informers.add(client.admissionRegistration().v1().validatingWebhookConfigurations()
                    .withName(config.webhook().validatingConfigurationName())
                    .inform(handler("ValidatingWebhookConfiguration " + config.webhook().validatingConfigurationName())));
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        informers.forEach(SharedIndexInformer::close);
        informers.clear();
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private <T extends HasMetadata> ResourceEventHandler<T> handler(String what) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                schedule(what + " added");
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                // resyncs repeat the same object; only real changes matter
                if (!oldObj.getMetadata().getResourceVersion().equals(newObj.getMetadata().getResourceVersion())) {
                    schedule(what + " changed");
                }
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                LOG.warnf("%s was deleted; recreating what the webhooks need", what);
                schedule(what + " deleted");
            }
        };
    }

    private void schedule(String why) {
        schedule(why, DEBOUNCE);
    }

    private void schedule(String why, Duration delay) {
        if (pending.compareAndSet(false, true)) {
            executor.schedule(() -> {
                pending.set(false);
                LOG.debugf("webhook TLS check after: %s", why);
                if (!server.reload()) { // logged there; try again soon rather than at the next timer
                    schedule(why + " (retry)", RETRY);
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
