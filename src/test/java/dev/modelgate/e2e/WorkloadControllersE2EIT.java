package dev.modelgate.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.policy.PodContract;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deployments, StatefulSets, Jobs and CronJobs that declare models: the real controller-manager creates their
 * pods, and every pod went through the mutating webhook (verifier last, plan digest annotated).
 */
@ExtendWith(E2EExtension.class)
class WorkloadControllersE2EIT {

    static final String NS = "e2e-workloads";

    @Test
    void everyWorkloadKindCreatesPodsThatCarryTheVerifier() {
        E2E.operator();
        ControlPlane cluster = E2E.cluster();
        KubernetesClient c = cluster.client();
        Namespaces.optedIn(cluster, NS, "enforce");
        Fixtures.approve(cluster, NS, "workload-model");
        Fixtures.awaitModelReady(cluster, NS, "workload-model");

        Map<String, Object> workloads = new LinkedHashMap<>();
        // The CronJob first: its controller fires on the next full minute.
        workloads.put("cronjob", new CronJobBuilder().withNewMetadata().withName("cronjob").withNamespace(NS).endMetadata()
                .withNewSpec().withSchedule("* * * * *").withNewJobTemplate().withNewSpec()
                .withTemplate(template("cronjob", "Never")).endSpec().endJobTemplate().endSpec().build());
        workloads.put("deployment", new DeploymentBuilder().withNewMetadata().withName("deployment").withNamespace(NS)
                .endMetadata().withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "deployment")
                .endSelector().withTemplate(template("deployment", "Always")).endSpec().build());
        workloads.put("statefulset", new StatefulSetBuilder().withNewMetadata().withName("statefulset").withNamespace(NS)
                .endMetadata().withNewSpec().withServiceName("statefulset").withReplicas(1).withNewSelector()
                .addToMatchLabels("app", "statefulset").endSelector().withTemplate(template("statefulset", "Always"))
                .endSpec().build());
        workloads.put("job", new JobBuilder().withNewMetadata().withName("job").withNamespace(NS).endMetadata()
                .withNewSpec().withTemplate(template("job", "Never")).endSpec().build());
        workloads.forEach((name, w) -> cluster.admin().okWithInput(Fixtures.yaml(c, w), "create", "-f", "-"));

        for (String app : workloads.keySet()) {
            Pod pod = await("a pod of the " + app).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> c.pods().inNamespace(NS).withLabel("app", app).list().getItems().stream().findFirst()
                            .orElse(null), p -> p != null);
            assertTrue(Fixtures.verifier(pod).isPresent(), "the " + app + "'s pod has no verifier: " + pod.getSpec().getInitContainers());
            assertTrue(pod.getMetadata().getAnnotations().containsKey(PodContract.ANNOTATION_PLAN_SHA256),
                    "the " + app + "'s pod has no plan digest");
            assertTrue(pod.getMetadata().getOwnerReferences() != null && !pod.getMetadata().getOwnerReferences().isEmpty(),
                    "the " + app + "'s pod was not created by a controller");
        }
    }

    static PodTemplateSpec template(String app, String restartPolicy) {
        Pod pod = Fixtures.podWithModels(NS, "unused", "workload-model");
        return new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", app)
                .withAnnotations(pod.getMetadata().getAnnotations()).endMetadata()
                .withSpec(new io.fabric8.kubernetes.api.model.PodSpecBuilder(pod.getSpec()).withRestartPolicy(restartPolicy).build())
                .build();
    }
}
