package dev.modelgate.admission;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.config.ModelGateConfig;
import dev.modelgate.policy.PolicySnapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The cluster state the webhooks decide from: Fabric8 informer caches of TrustedModels, ModelSources,
 * Namespaces and PersistentVolumeClaims, kept current by watches. Deciding reads these stores only, never the
 * API server. Until every informer has synced, {@link #synced()} is false and the webhooks refuse (fail closed).
 */
@ApplicationScoped
public class AdmissionCaches implements PolicySnapshot {

    private static final Logger LOG = Logger.getLogger(AdmissionCaches.class);

    @Inject
    KubernetesClient client;

    @Inject
    ModelGateConfig config;

    private volatile SharedIndexInformer<TrustedModel> models;
    private volatile SharedIndexInformer<ModelSource> sources;
    private volatile SharedIndexInformer<Namespace> namespaces;
    private volatile SharedIndexInformer<PersistentVolumeClaim> claims;

    void start(@Observes StartupEvent ignored) {
        long resync = config.operator().resync().toMillis();
        // Started without waiting for the initial list: the application starts at once and refuses until synced.
        models = client.resources(TrustedModel.class).inAnyNamespace().runnableInformer(resync);
        sources = client.resources(ModelSource.class).runnableInformer(resync);
        namespaces = client.namespaces().runnableInformer(resync);
        claims = client.persistentVolumeClaims().inAnyNamespace().runnableInformer(resync);
        for (SharedIndexInformer<?> i : informers()) {
            i.start().whenComplete((v, e) -> {
                if (e != null) {
                    LOG.errorf("admission cache failed to start: %s; the webhooks refuse until it syncs", e.getMessage());
                }
            });
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        for (SharedIndexInformer<?> i : informers()) {
            if (i != null) {
                i.stop();
            }
        }
    }

    private List<SharedIndexInformer<?>> informers() {
        return java.util.Arrays.asList(models, sources, namespaces, claims);
    }

    /** True when every cache has finished its first list. */
    public boolean synced() {
        for (SharedIndexInformer<?> i : informers()) {
            if (i == null || !i.hasSynced()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Optional<TrustedModel> trustedModel(String namespace, String name) {
        return Optional.ofNullable(models.getStore().getByKey(namespace + "/" + name));
    }

    @Override
    public Optional<ModelSource> modelSource(String name) {
        return Optional.ofNullable(sources.getStore().getByKey(name));
    }

    @Override
    public Optional<Map<String, String>> namespaceLabels(String namespace) {
        return Optional.ofNullable(namespaces.getStore().getByKey(namespace)).map(AdmissionCaches::labels);
    }

    @Override
    public Optional<Map<String, String>> claimLabels(String namespace, String claim) {
        return Optional.ofNullable(claims.getStore().getByKey(namespace + "/" + claim)).map(AdmissionCaches::labels);
    }

    private static Map<String, String> labels(HasMetadata o) {
        Map<String, String> l = o.getMetadata().getLabels();
        return l == null ? Map.of() : l;
    }
}
