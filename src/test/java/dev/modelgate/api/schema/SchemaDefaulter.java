package dev.modelgate.api.schema;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Fills in schema {@code default}s the way the API server does before validating: a property with a default
 * that is absent from an object that is present gets the default. Absent objects stay absent.
 */
final class SchemaDefaulter {

    private SchemaDefaulter() {
    }

    /** A copy of {@code data} with defaults applied. */
    static JsonNode withDefaults(JsonNode schema, JsonNode data) {
        JsonNode copy = data.deepCopy();
        apply(schema, copy);
        return copy;
    }

    private static void apply(JsonNode schema, JsonNode data) {
        if (data.isObject()) {
            ObjectNode object = (ObjectNode) data;
            JsonNode properties = schema.path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> property = it.next();
                JsonNode propertySchema = property.getValue();
                if (!object.has(property.getKey()) && propertySchema.has("default")) {
                    object.set(property.getKey(), propertySchema.get("default").deepCopy());
                }
                if (object.has(property.getKey())) {
                    apply(propertySchema, object.get(property.getKey()));
                }
            }
            JsonNode additional = schema.path("additionalProperties");
            if (additional.isObject()) {
                object.forEach(value -> apply(additional, value));
            }
        } else if (data.isArray() && schema.has("items")) {
            ((ArrayNode) data).forEach(item -> apply(schema.get("items"), item));
        }
    }
}
