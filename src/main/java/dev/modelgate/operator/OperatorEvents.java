package dev.modelgate.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events (core/v1: what {@code kubectl describe} shows) on pods, TrustedModels and ModelSources. Events
 * are best effort: the status and the PolicyReport carry the truth, so a refused Event is logged, not retried.
 */
@ApplicationScoped
public class OperatorEvents {

    static final String COMPONENT = "modelgate-operator";
    /** Cluster-scoped objects (ModelSource) get their Events in this namespace, as Kubernetes does for Nodes. */
    static final String CLUSTER_EVENTS_NAMESPACE = "default";
    private static final Logger LOG = Logger.getLogger(OperatorEvents.class);

    @Inject
    KubernetesClient client;

    @Inject
    Clock clock;

    public void warning(HasMetadata about, String reason, String message) {
        emit(about, "Warning", reason, message);
    }

    public void normal(HasMetadata about, String reason, String message) {
        emit(about, "Normal", reason, message);
    }

    private void emit(HasMetadata about, String type, String reason, String message) {
        String ns = about.getMetadata().getNamespace() == null ? CLUSTER_EVENTS_NAMESPACE
                : about.getMetadata().getNamespace();
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        // Kubernetes names events <object>.<unique hex>; the mock API server does not implement generateName.
        String name = about.getMetadata().getName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()
                & Long.MAX_VALUE);
        Event event = new EventBuilder()
                .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(about.getApiVersion())
                        .withKind(about.getKind()).withName(about.getMetadata().getName())
                        .withNamespace(about.getMetadata().getNamespace()).withUid(about.getMetadata().getUid())
                        .build())
                .withType(type).withReason(reason).withMessage(message)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .build();
        try {
            client.v1().events().inNamespace(ns).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.warnf("could not record Event %s on %s %s/%s: %s", reason, about.getKind(), ns,
                    about.getMetadata().getName(), e.getMessage());
        }
    }
}
