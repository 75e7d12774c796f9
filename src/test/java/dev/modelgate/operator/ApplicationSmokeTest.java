package dev.modelgate.operator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.modelgate.api.v1alpha1.ModelFile;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.api.v1alpha1.TrustedModelSpec;
import dev.modelgate.policy.ModelManifests;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator application boots on the chosen stack against the Fabric8 mock API server, serves its health
 * endpoints, and the API classes round-trip through a Kubernetes API unchanged.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ApplicationSmokeTest {

    @Inject
    KubernetesClient client;

    @Test
    void healthEndpointsAnswer() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void trustedModelRoundTripsThroughTheApiServer() {
        TrustedModel tm = new TrustedModel();
        tm.setMetadata(new ObjectMetaBuilder().withName("sdxl-base").withNamespace("comfyui").build());
        TrustedModelSpec spec = new TrustedModelSpec();
        spec.setSource("stability-ai");
        ModelFile file = new ModelFile("checkpoints/sdxl.safetensors",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 3);
        file.setUrl("https://models.example.com/sdxl/checkpoints/sdxl.safetensors");
        spec.setFiles(List.of(file));
        tm.setSpec(spec);

        client.resources(TrustedModel.class).inNamespace("comfyui").resource(tm).create();
        TrustedModel back = client.resources(TrustedModel.class).inNamespace("comfyui").withName("sdxl-base").get();
        assertNotNull(back);
        assertEquals(spec.getFiles(), back.getSpec().getFiles());
        // The manifest digest does not depend on which side of the API the model was read from.
        assertEquals(ModelManifests.manifest(tm).digest(), ModelManifests.manifest(back).digest());
    }
}
