package dev.modelgate.e2e;

import static org.awaitility.Awaitility.await;

import dev.modelgate.policy.PodContract;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Models, sources and pods the end-to-end tests create (names prefixed e2e-). */
public final class Fixtures {

    public static final String SOURCE = "e2e-local";
    public static final ResourceDefinitionContext TRUSTED_MODELS = new ResourceDefinitionContext.Builder()
            .withGroup("modelgate.dev").withVersion("v1alpha1").withPlural("trustedmodels").withKind("TrustedModel")
            .withNamespaced(true).build();
    public static final ResourceDefinitionContext MODEL_SOURCES = new ResourceDefinitionContext.Builder()
            .withGroup("modelgate.dev").withVersion("v1alpha1").withPlural("modelsources").withKind("ModelSource")
            .withNamespaced(false).build();
    public static final ResourceDefinitionContext POLICY_REPORTS = new ResourceDefinitionContext.Builder()
            .withGroup("wgpolicyk8s.io").withVersion("v1alpha2").withPlural("policyreports").withKind("PolicyReport")
            .withNamespaced(true).build();

    private static boolean sourceApplied;

    private Fixtures() {
    }

    /** A model approved with {@code modelgate approve}: its folder (the volume's stand-in) and its TrustedModel. */
    public record Model(String namespace, String name, Path dir, Path yaml, String file) {
    }

    /** The ModelSource every e2e model names: no signing, a placeholder https prefix. */
    public static synchronized void ensureSource(ControlPlane cluster) {
        if (!sourceApplied) {
            cluster.admin().okWithInput("""
                    apiVersion: modelgate.dev/v1alpha1
                    kind: ModelSource
                    metadata:
                      name: %s
                    spec:
                      description: models the end-to-end tests build
                      urls: ["https://models.e2e.example/"]
                    """.formatted(SOURCE), "apply", "-f", "-");
            sourceApplied = true;
        }
    }

    /**
     * Builds a one-file model folder (a valid safetensors file whose bytes depend on the name), approves it with
     * {@code bin/modelgate approve} and applies the TrustedModel with kubectl.
     */
    public static Model approve(ControlPlane cluster, String namespace, String name) {
        ensureSource(cluster);
        Path dir = E2E.work().resolve("models").resolve(namespace + "-" + name);
        String file = "weights/" + name + ".safetensors";
        try {
            ControlPlane.deleteRecursively(dir);
            Files.createDirectories(dir.resolve("weights"));
            Files.write(dir.resolve(file), safetensors(name));
            Path yaml = E2E.work().resolve("models").resolve(namespace + "-" + name + ".yaml");
            // approve does not overwrite without --force: a previous run's file would stop this one.
            Files.deleteIfExists(yaml);
            run(List.of(E2E.repo().resolve("bin/modelgate").toString(), "approve", dir.toString(), "--name", name,
                    "--source", SOURCE, "--namespace", namespace, "-o", yaml.toString()));
            cluster.admin().ok("apply", "-f", yaml.toString());
            return new Model(namespace, name, dir, yaml, file);
        } catch (IOException e) {
            throw new AssertionError("cannot build model " + name, e);
        }
    }

    /** One F32 tensor of one element: a safetensors file the scanner accepts. */
    static byte[] safetensors(String seed) {
        byte[] header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).putFloat(seed.hashCode());
        return b.array();
    }

    static String run(List<String> cmd) {
        try {
            Path out = Files.createTempFile(E2E.work(), "run", ".out");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("did not finish in 120 s: " + cmd);
            }
            String text = Files.readString(out);
            Files.delete(out);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static GenericKubernetesResource trustedModel(ControlPlane cluster, String namespace, String name) {
        return cluster.client().genericKubernetesResources(TRUSTED_MODELS).inNamespace(namespace).withName(name).get();
    }

    /** The status of a condition of a resource's status, if set. */
    @SuppressWarnings("unchecked")
    public static Optional<Map<String, Object>> condition(GenericKubernetesResource r, String type) {
        if (r == null || !(r.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
            return Optional.empty();
        }
        if (!(status.get("conditions") instanceof List<?> conditions)) {
            return Optional.empty();
        }
        return conditions.stream().map(c -> (Map<String, Object>) c).filter(c -> type.equals(c.get("type"))).findFirst();
    }

    public static boolean conditionIs(GenericKubernetesResource r, String type, String status) {
        return condition(r, type).map(c -> status.equals(c.get("status"))).orElse(false);
    }

    public static void awaitModelReady(ControlPlane cluster, String namespace, String name) {
        await("TrustedModel " + namespace + "/" + name + " Ready=True").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> conditionIs(trustedModel(cluster, namespace, name), "Ready", "True"));
    }

    /** A pod that declares {@code models} on an emptyDir volume {@code models}, mounted read-only in its container. */
    public static Pod podWithModels(String namespace, String name, String models) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .addToAnnotations(PodContract.ANNOTATION_MODELS, models).endMetadata()
                .withNewSpec()
                .addNewContainer().withName("app").withImage("registry.example/app:1").withCommand("sleep", "3600")
                .addNewVolumeMount().withName("models").withMountPath("/models").withReadOnly(true).endVolumeMount()
                .endContainer()
                .addNewVolume().withName("models").withNewEmptyDir().withSizeLimit(new Quantity("1Gi")).endEmptyDir().endVolume()
                .endSpec().build();
    }

    /** A pod that declares no model. */
    public static Pod plainPod(String namespace, String name) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("registry.example/app:1").endContainer()
                .endSpec().build();
    }

    public static String yaml(KubernetesClient client, Object o) {
        return client.getKubernetesSerialization().asYaml(o);
    }

    /** The injected verifier, when it is the last init-container. */
    public static Optional<io.fabric8.kubernetes.api.model.Container> verifier(Pod pod) {
        List<io.fabric8.kubernetes.api.model.Container> init = pod.getSpec().getInitContainers();
        if (init == null || init.isEmpty()) {
            return Optional.empty();
        }
        io.fabric8.kubernetes.api.model.Container last = init.get(init.size() - 1);
        return Objects.equals(last.getName(), PodContract.INIT_CONTAINER_NAME) ? Optional.of(last) : Optional.empty();
    }
}
