package dev.modelgate.admission;

import dev.modelgate.policy.AdmissionDecision;
import dev.modelgate.policy.AdmissionInput;
import dev.modelgate.policy.Violation;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events for objects admitted despite a violation (warn and audit modes). Written off the admission
 * path by one background thread with a bounded queue: a slow API server never slows a decision, and when the
 * queue is full the Event is dropped (the metric and the log line still record it).
 */
@ApplicationScoped
public class AdmissionEvents {

    private static final Logger LOG = Logger.getLogger(AdmissionEvents.class);

    @Inject
    KubernetesClient client;

    private final ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1000), r -> {
                Thread t = new Thread(r, "modelgate-admission-events");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardPolicy());

    void violationAdmitted(AdmissionInput in, AdmissionDecision d) {
        String namespace = in.namespace();
        if (namespace == null) {
            return;
        }
        String name = in.object() == null ? null : in.object().at("/metadata/name").asText(null);
        String apiVersion = in.object() == null ? "v1" : in.object().path("apiVersion").asText("v1");
        String message = String.join(" ", d.violations().stream().map(Violation::message).toList());
        String reason = "ModelGate" + d.mode().label().substring(0, 1).toUpperCase(Locale.ROOT)
                + d.mode().label().substring(1) + "Violation";
        writer.execute(() -> {
            try {
                String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
                client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                        .withNewMetadata().withName("modelgate." + UUID.randomUUID()).withNamespace(namespace)
                        .endMetadata()
                        .withInvolvedObject(new ObjectReferenceBuilder().withKind(in.kind()).withNamespace(namespace)
                                .withName(name).withApiVersion(apiVersion).build())
                        .withType("Warning").withReason(reason)
                        .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                        .withNewSource().withComponent("modelgate-admission").endSource()
                        .build()).create();
            } catch (RuntimeException e) {
                LOG.warnf("could not record the admission Event for %s: %s", d.subject(), e.getMessage());
            }
        });
    }

    void stop(@Observes ShutdownEvent ignored) {
        writer.shutdown();
    }
}
