package dev.modelgate.api.schema;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Converts JSON data into the Java values cel-java evaluates (maps, lists, {@code Long}, {@code Double},
 * {@code Instant}, ...), guided by the schema the same way the API server converts unstructured data:
 * {@code date}/{@code date-time} strings become timestamps, integers are int64, numbers are doubles.
 */
final class CelValues {

    private CelValues() {
    }

    static Object of(JsonNode schema, JsonNode data) {
        if (data.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            data.fields().forEachRemaining(field -> {
                if (!field.getValue().isNull()) {
                    map.put(field.getKey(), of(fieldSchema(schema, field.getKey()), field.getValue()));
                }
            });
            return map;
        }
        if (data.isArray()) {
            List<Object> list = new ArrayList<>(data.size());
            data.forEach(item -> list.add(of(schema.path("items"), item)));
            return list;
        }
        if (data.isTextual()) {
            return string(schema.path("format").asText(""), data.asText());
        }
        if (data.isIntegralNumber() && !"number".equals(schema.path("type").asText())) {
            return data.asLong();
        }
        if (data.isNumber()) {
            return data.asDouble();
        }
        if (data.isBoolean()) {
            return data.asBoolean();
        }
        throw new IllegalArgumentException("no CEL value for " + data.getNodeType());
    }

    private static JsonNode fieldSchema(JsonNode objectSchema, String field) {
        JsonNode property = objectSchema.path("properties").path(field);
        return property.isMissingNode() ? objectSchema.path("additionalProperties") : property;
    }

    /** A timestamp for date formats (as the API server does); the raw string when it does not parse. */
    private static Object string(String format, String text) {
        try {
            return switch (format) {
                case "date-time" -> OffsetDateTime.parse(text).toInstant();
                case "date" -> LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
                default -> text;
            };
        } catch (DateTimeParseException e) {
            // The format check reports it; CEL then sees a string and fails loudly, as the API server's would.
            return text;
        }
    }
}
