package dev.modelgate.operator;

import dev.modelgate.api.v1alpha1.Condition;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;

/** Reads and writes the mock API server the operator runs against. */
final class ClusterFixtures {

    private final KubernetesClient client;

    ClusterFixtures(KubernetesClient client) {
        this.client = client;
    }

    ModelSource create(ModelSource source) {
        return client.resources(ModelSource.class).resource(source).create();
    }

    TrustedModel create(TrustedModel model) {
        return client.resources(TrustedModel.class).inNamespace(model.getMetadata().getNamespace()).resource(model)
                .create();
    }

    ModelSource source(String name) {
        return client.resources(ModelSource.class).withName(name).get();
    }

    TrustedModel model(String ns, String name) {
        return client.resources(TrustedModel.class).inNamespace(ns).withName(name).get();
    }

    Optional<Condition> condition(String ns, String name, String type) {
        TrustedModel tm = model(ns, name);
        return tm == null || tm.getStatus() == null ? Optional.empty()
                : Condition.find(tm.getStatus().getConditions(), type);
    }

    boolean isTrue(String ns, String name, String type) {
        return condition(ns, name, type).map(c -> Condition.TRUE.equals(c.getStatus())).orElse(false);
    }

    boolean isFalse(String ns, String name, String type) {
        return condition(ns, name, type).map(c -> Condition.FALSE.equals(c.getStatus())).orElse(false);
    }

    Pod runningPod(String ns, String name, String models) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns)
                .addToAnnotations(PodModels.MODELS_ANNOTATION, models).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("comfyui:latest").endContainer().endSpec()
                .withNewStatus().withPhase("Running").endStatus()
                .build();
        return client.pods().inNamespace(ns).resource(pod).create();
    }

    /** Events recorded about {@code kind}/{@code name} in {@code ns}. */
    List<Event> events(String ns, String kind, String name) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> kind.equals(e.getInvolvedObject().getKind())
                        && name.equals(e.getInvolvedObject().getName()))
                .toList();
    }
}
