package dev.modelgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelgate.api.schema.CommittedCrds;

/** What {@code kubectl} users and the API server see of the committed CRDs: names, scope, columns, docs. */
class CrdContentTest {

    private static final JsonNode TRUSTED_MODEL = CommittedCrds.crd(CommittedCrds.TRUSTED_MODEL_FILE);
    private static final JsonNode MODEL_SOURCE = CommittedCrds.crd(CommittedCrds.MODEL_SOURCE_FILE);

    @Test
    void trustedModelIsNamespacedWithShortNameTm() {
        assertNames(TRUSTED_MODEL, "TrustedModel", "trustedmodels", "tm", "Namespaced");
    }

    @Test
    void modelSourceIsClusterScopedWithShortNameMsrc() {
        assertNames(MODEL_SOURCE, "ModelSource", "modelsources", "msrc", "Cluster");
    }

    @Test
    void printerColumnsAreInReadingOrder() {
        assertEquals(List.of(
                "Ready string .status.conditions[?(@.type==\"Ready\")].status",
                "Source string .spec.source",
                "Files integer .status.fileCount",
                "Pods integer .status.pods (wide)",
                "Exceptions string .status.scanExceptions (wide)",
                "Age date .metadata.creationTimestamp"), columns(TRUSTED_MODEL));
        assertEquals(List.of(
                "Ready string .status.conditions[?(@.type==\"Ready\")].status",
                "Keys integer .status.validKeys",
                "Models integer .status.models (wide)",
                "Age date .metadata.creationTimestamp"), columns(MODEL_SOURCE));
    }

    @Test
    void specIsRequiredAndStatusIsASubresource() {
        for (JsonNode crd : List.of(TRUSTED_MODEL, MODEL_SOURCE)) {
            JsonNode version = crd.at("/spec/versions/0");
            assertTrue(version.at("/subresources/status").isObject(), "status subresource");
            assertEquals("[\"spec\"]", version.at("/schema/openAPIV3Schema/required").toString());
        }
    }

    @Test
    void everyFieldIsDescribed() {
        List<String> undocumented = new ArrayList<>();
        for (JsonNode crd : List.of(TRUSTED_MODEL, MODEL_SOURCE)) {
            String kind = crd.at("/spec/names/kind").asText();
            collectUndescribed(crd.at("/spec/versions/0/schema/openAPIV3Schema"), kind, undocumented);
        }
        assertEquals(List.of(), undocumented, "fields without a @JsonPropertyDescription");
    }

    @Test
    void everyCelRuleHasAMessage() {
        List<String> silent = new ArrayList<>();
        for (JsonNode crd : List.of(TRUSTED_MODEL, MODEL_SOURCE)) {
            crd.findValues("x-kubernetes-validations").forEach(rules -> rules.forEach(rule -> {
                if (rule.path("message").asText("").isBlank()) {
                    silent.add(rule.path("rule").asText());
                }
            }));
        }
        assertEquals(List.of(), silent, "rules without a message leave users with 'failed rule: ...'");
    }

    private static void assertNames(JsonNode crd, String kind, String plural, String shortName, String scope) {
        assertEquals(plural + ".modelgate.dev", crd.at("/metadata/name").asText());
        assertEquals("modelgate.dev", crd.at("/spec/group").asText());
        assertEquals(kind, crd.at("/spec/names/kind").asText());
        assertEquals(plural, crd.at("/spec/names/plural").asText());
        assertEquals("[\"" + shortName + "\"]", crd.at("/spec/names/shortNames").toString());
        assertEquals(scope, crd.at("/spec/scope").asText());
        assertEquals(1, crd.at("/spec/versions").size(), "one version");
        assertEquals("v1alpha1", crd.at("/spec/versions/0/name").asText());
        assertTrue(crd.at("/spec/versions/0/served").asBoolean() && crd.at("/spec/versions/0/storage").asBoolean());
    }

    private static List<String> columns(JsonNode crd) {
        List<String> out = new ArrayList<>();
        crd.at("/spec/versions/0/additionalPrinterColumns").forEach(c -> out.add(c.path("name").asText() + " "
                + c.path("type").asText() + " " + c.path("jsonPath").asText()
                + (c.path("priority").asInt() > 0 ? " (wide)" : "")));
        return out;
    }

    private static void collectUndescribed(JsonNode schema, String path, List<String> out) {
        schema.path("properties").fields().forEachRemaining(p -> {
            String child = path + "." + p.getKey();
            if (p.getValue().path("description").asText("").isBlank()) {
                out.add(child);
            }
            collectUndescribed(p.getValue(), child, out);
        });
        if (schema.has("items")) {
            collectUndescribed(schema.get("items"), path + "[]", out);
        }
    }
}
