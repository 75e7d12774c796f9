package dev.modelgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelgate.api.files.Example;
import dev.modelgate.api.files.ProjectFiles;
import dev.modelgate.api.files.Yaml;
import dev.modelgate.api.schema.CommittedCrds;
import dev.modelgate.api.v1alpha1.Condition;
import dev.modelgate.api.v1alpha1.ConditionType;
import dev.modelgate.api.v1alpha1.ModelFile;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.api.v1alpha1.ScanSpec;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.api.v1alpha1.TrustedModelSpec;
import dev.modelgate.api.v1alpha1.TrustedModelStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The Java classes and the YAML users write must be the same thing: every good example reads into the
 * classes and writes back unchanged (so no field is lost or renamed), and objects built in Java serialise
 * to clean YAML the committed CRD accepts.
 */
class ApiSerializationTest {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Map<String, Class<? extends HasMetadata>> CLASSES =
            Map.of("TrustedModel", TrustedModel.class, "ModelSource", ModelSource.class);

    @TestFactory
    Stream<DynamicTest> goodExamplesSurviveARoundTripThroughTheJavaClasses() throws IOException {
        List<Example> examples = Example.loadAll(ProjectFiles.examplesDir());
        assertFalse(examples.isEmpty(), "no examples found under docs/examples");
        return examples.stream().flatMap(example -> example.documents().stream()
                .map(document -> DynamicTest.dynamicTest(example.name(), () -> {
                    Class<? extends HasMetadata> type = CLASSES.get(document.path("kind").asText());
                    HasMetadata object = SERIALIZATION.convertValue(document, type);
                    JsonNode written = Yaml.MAPPER.readTree(SERIALIZATION.asYaml(object));
                    JsonNode original = Yaml.MAPPER.readTree(Yaml.MAPPER.writeValueAsString(document));
                    List<String> differences = Yaml.differences(original, written, 10);
                    assertTrue(differences.isEmpty(), () -> example.name() + " changed on the way through "
                            + type.getSimpleName() + " (original vs written):\n  " + String.join("\n  ", differences));
                })));
    }

    @Test
    void javaBuiltModelIsCleanAndValid() throws IOException {
        TrustedModel model = new TrustedModel();
        model.setMetadata(new ObjectMetaBuilder().withName("sdxl-vae").withNamespace("comfyui").build());
        TrustedModelSpec spec = new TrustedModelSpec();
        spec.setSource("huggingface-stabilityai");
        spec.getFiles().add(new ModelFile("vae/sdxl_vae.safetensors",
                "63aeecb90ff7bc1c115395962d3e803571385b61938377bc7089b36e81e92e2e", 334641164L));
        spec.setScan(new ScanSpec(ScanPolicy.WARN));
        model.setSpec(spec);

        JsonNode written = Yaml.MAPPER.readTree(SERIALIZATION.asYaml(model));
        JsonNode expected = Yaml.MAPPER.readTree("""
                apiVersion: modelgate.dev/v1alpha1
                kind: TrustedModel
                metadata:
                  name: sdxl-vae
                  namespace: comfyui
                spec:
                  source: huggingface-stabilityai
                  files:
                    - path: vae/sdxl_vae.safetensors
                      sha256: 63aeecb90ff7bc1c115395962d3e803571385b61938377bc7089b36e81e92e2e
                      size: 334641164
                  scan:
                    policy: warn
                """);
        assertEquals(List.of(), Yaml.differences(expected, written, 10), "serialised form (expected vs written)");
        assertEquals(List.of(), CommittedCrds.validatorFor("TrustedModel").validate(written));
    }

    @Test
    void statusWithConditionsIsValid() throws IOException {
        TrustedModel model = SERIALIZATION.unmarshal(
                java.nio.file.Files.readString(ProjectFiles.examplesDir().resolve("trustedmodel-comfyui-sdxl.yaml")),
                TrustedModel.class);
        TrustedModelStatus status = new TrustedModelStatus();
        status.setObservedGeneration(3L);
        status.setFileCount(model.getSpec().getFiles().size());
        status.setPods(2);
        status.getConditions().add(new Condition(ConditionType.READY, Condition.TRUE, "Verified",
                "3 files pinned; source trusted", "2026-11-22T10:00:00Z", 3L));
        status.getConditions().add(new Condition(ConditionType.REVIEW_DUE, Condition.FALSE, "ReviewCurrent",
                null, "2026-11-22T10:00:00Z", 3L));
        model.setStatus(status);

        JsonNode written = Yaml.MAPPER.readTree(SERIALIZATION.asYaml(model));
        assertEquals(List.of(), CommittedCrds.validatorFor("TrustedModel").validate(written));
        assertEquals("True", written.at("/status/conditions/0/status").asText());
        assertTrue(Condition.find(model.getStatus().getConditions(), ConditionType.READY).isPresent());

        // The same condition type twice is refused: conditions are a list map keyed by type.
        status.getConditions().add(new Condition(ConditionType.READY, Condition.FALSE, "Revoked", null,
                "2026-11-22T11:00:00Z", 4L));
        JsonNode duplicated = Yaml.MAPPER.readTree(SERIALIZATION.asYaml(model));
        List<dev.modelgate.api.schema.Violation> refused = CommittedCrds.validatorFor("TrustedModel").validate(duplicated);
        assertEquals(1, refused.size(), refused::toString);
        assertEquals("status.conditions[2]", refused.get(0).path());
        assertEquals("duplicate", refused.get(0).rule());
    }

    @Test
    void scanPolicyIsWrittenLowerCase() {
        assertEquals("\"enforce\"", SERIALIZATION.asJson(ScanPolicy.ENFORCE));
        assertEquals(ScanPolicy.OFF, SERIALIZATION.unmarshal("\"off\"", ScanPolicy.class));
    }
}
