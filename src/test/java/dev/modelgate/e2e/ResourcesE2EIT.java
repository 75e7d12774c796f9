package dev.modelgate.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ModelSource and TrustedModel status as the operator writes it on a real API server (server-side apply, prod). */
@ExtendWith(E2EExtension.class)
class ResourcesE2EIT {

    static final String NS = "comfyui";

    @Test
    void sourcesAndModelsReachReadyWithConditions() {
        E2E.operator();
        ControlPlane cluster = E2E.cluster();
        Examples.scenario(cluster, Examples.ROOT.resolve("comfyui"));

        await("ModelSource comfyui-stabilityai Ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> Fixtures.conditionIs(cluster.client().genericKubernetesResources(Fixtures.MODEL_SOURCES)
                        .withName("comfyui-stabilityai").get(), "Ready", "True"));
        Fixtures.awaitModelReady(cluster, NS, "sdxl-base");
        GenericKubernetesResource model = Fixtures.trustedModel(cluster, NS, "sdxl-base");
        assertTrue(Fixtures.conditionIs(model, "SourceTrusted", "True"), "SourceTrusted: " + model.get("status"));
        assertTrue(Fixtures.conditionIs(model, "Revoked", "False"), "Revoked: " + model.get("status"));
        Map<String, Object> ready = Fixtures.condition(model, "Ready").orElseThrow();
        assertEquals(model.getMetadata().getGeneration().intValue(), ((Number) ready.get("observedGeneration")).intValue(),
                "Ready.observedGeneration");
        assertTrue(((String) model.get("status", "manifestDigest")).startsWith("sha256:"), "manifestDigest");

        GenericKubernetesResource revoked = Fixtures.trustedModel(cluster, NS, "house-style-lora-v1");
        assertTrue(Fixtures.conditionIs(revoked, "Revoked", "True"), "house-style-lora-v1 Revoked: " + revoked.get("status"));
        assertTrue(Fixtures.conditionIs(revoked, "Ready", "False"), "house-style-lora-v1 Ready: " + revoked.get("status"));
    }

    @Test
    void statusIsWrittenWithServerSideApply() {
        E2E.operator();
        ControlPlane cluster = E2E.cluster();
        Examples.scenario(cluster, Examples.ROOT.resolve("comfyui"));
        Fixtures.awaitModelReady(cluster, NS, "sdxl-base");
        List<ManagedFieldsEntry> fields = Fixtures.trustedModel(cluster, NS, "sdxl-base").getMetadata().getManagedFields();
        assertTrue(fields.stream().anyMatch(f -> "Apply".equals(f.getOperation()) && "status".equals(f.getSubresource())),
                "the operator should own status through server-side apply (enable-ssa, as in production): " + fields);
    }

    static List<String> header(Kubectl.Result r) {
        return List.of(r.out().lines().findFirst().orElse("").trim().split("\\s+"));
    }

    @Test
    void printerColumnsShowTheVerdictAtAGlance() {
        E2E.operator();
        ControlPlane cluster = E2E.cluster();
        Examples.scenario(cluster, Examples.ROOT.resolve("comfyui"));
        Fixtures.awaitModelReady(cluster, NS, "sdxl-base");
        // PODS and EXCEPTIONS have priority 1: in the wide view only.
        Kubectl.Result glance = cluster.admin().ok("get", "trustedmodels", "-n", NS);
        assertEquals(List.of("NAME", "READY", "SOURCE", "FILES", "AGE"), header(glance), glance.out());
        Kubectl.Result models = cluster.admin().ok("get", "trustedmodels", "-n", NS, "-o", "wide");
        assertEquals(List.of("NAME", "READY", "SOURCE", "FILES", "PODS", "EXCEPTIONS", "AGE"), header(models), models.out());
        String row = models.out().lines().filter(l -> l.startsWith("sdxl-base ")).findFirst().orElseThrow();
        List<String> cells = List.of(row.trim().split("\\s+"));
        assertEquals("True", cells.get(1), row);
        assertEquals("comfyui-stabilityai", cells.get(2), row);
        assertEquals("2", cells.get(3), "sdxl-base has two files: " + row);

        Kubectl.Result sources = cluster.admin().ok("get", "modelsources");
        assertTrue(sources.out().lines().findFirst().orElse("").startsWith("NAME") && sources.out().contains("READY"),
                sources.out());
        assertTrue(sources.out().lines().anyMatch(l -> l.startsWith("comfyui-stabilityai ") && l.contains("True")),
                sources.out());
    }
}
