package dev.modelgate.api.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks lists declared {@code x-kubernetes-list-type: map} as the API server does: no two elements may
 * share the values of the {@code x-kubernetes-list-map-keys}. A repeated key is reported at the second
 * element's path with rule {@code duplicate}, as kubectl prints {@code spec.files[2]: Duplicate value: ...}.
 * ({@code set} lists, which the CRDs do not use, are not checked.)
 */
final class ListMapValidator {

    private final JsonNode rootSchema;

    ListMapValidator(JsonNode openApiV3Schema) {
        this.rootSchema = openApiV3Schema;
    }

    List<Violation> validate(JsonNode object) {
        List<Violation> violations = new ArrayList<>();
        walk(rootSchema, object, "", violations);
        return violations;
    }

    private static void walk(JsonNode schema, JsonNode value, String path, List<Violation> violations) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return;
        }
        if (value.isArray()) {
            if ("map".equals(schema.path("x-kubernetes-list-type").asText())) {
                Map<List<JsonNode>, Integer> seen = new HashMap<>();
                for (int i = 0; i < value.size(); i++) {
                    List<JsonNode> key = new ArrayList<>();
                    for (JsonNode k : schema.path("x-kubernetes-list-map-keys")) {
                        key.add(value.get(i).path(k.asText()));
                    }
                    if (seen.putIfAbsent(key, i) != null) {
                        violations.add(new Violation(Violation.element(path, i), "duplicate",
                                "Duplicate value: " + key + " (already at index " + seen.get(key) + ")"));
                    }
                }
            }
            for (int i = 0; i < value.size(); i++) {
                walk(schema.path("items"), value.get(i), Violation.element(path, i), violations);
            }
        } else if (value.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode child = schema.path("properties").path(field.getKey());
                if (!child.isMissingNode()) {
                    walk(child, field.getValue(), Violation.child(path, field.getKey()), violations);
                }
            }
        }
    }
}
