package dev.modelgate.api.schema;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.regex.JDKRegularExpressionFactory;
import com.networknt.schema.regex.RegularExpressionFactory;

import dev.modelgate.api.v1alpha1.ApiPatterns;

/**
 * Validates objects against a CRD's {@code openAPIV3Schema} with a real JSON Schema validator (networknt,
 * draft 4, whose {@code minimum}/{@code exclusiveMinimum} match OpenAPI 3.0), set up to judge like the API
 * server:
 * <ul>
 * <li>patterns are evaluated with RE2 ({@link Re2Regex});</li>
 * <li>{@code format} is asserted ({@code date}, {@code date-time});</li>
 * <li>unknown fields are errors, as with {@code kubectl apply} (strict field validation is its default);</li>
 * <li>{@code apiVersion}, {@code kind} and {@code metadata} are accepted at the root, which the API server
 * adds to every CRD schema, and {@code metadata.name} is required to be a DNS-1123 subdomain;</li>
 * <li>{@code x-kubernetes-*} extensions are stripped: they are not JSON Schema, and the CEL rules among
 * them are {@link CelRuleValidator}'s job.</li>
 * </ul>
 */
public final class OpenApiValidator {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonSchema schema;

    /** With java.util.regex for {@code pattern}s (the CRD's patterns read the same in RE2; tests check that). */
    public OpenApiValidator(JsonNode openApiV3Schema) {
        this(openApiV3Schema, JDKRegularExpressionFactory.getInstance());
    }

    public OpenApiValidator(JsonNode openApiV3Schema, RegularExpressionFactory regex) {
        ObjectNode root = toJsonSchema(openApiV3Schema);
        addImplicitRootFields(root);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .formatAssertionsEnabled(true)
                .regularExpressionFactory(regex)
                .build();
        this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(root, config);
    }

    public List<Violation> validate(JsonNode object) {
        List<Violation> violations = new ArrayList<>();
        for (ValidationMessage message : schema.validate(object)) {
            violations.add(toViolation(message));
        }
        violations.sort(Comparator.comparing(Violation::path).thenComparing(Violation::rule));
        return violations;
    }

    /** A JSON Schema equivalent of an OpenAPI structural schema node (recursively). */
    static ObjectNode toJsonSchema(JsonNode openApi) {
        ObjectNode out = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = openApi.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.startsWith("x-kubernetes-")) {
                continue;
            }
            switch (key) {
                case "properties" -> {
                    ObjectNode properties = out.putObject("properties");
                    value.fields().forEachRemaining(p -> properties.set(p.getKey(), toJsonSchema(p.getValue())));
                }
                case "items" -> out.set("items", toJsonSchema(value));
                case "additionalProperties" -> out.set(key, value.isObject() ? toJsonSchema(value) : value);
                default -> out.set(key, value.deepCopy());
            }
        }
        boolean preservesUnknown = openApi.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (openApi.has("properties") && !openApi.has("additionalProperties") && !preservesUnknown) {
            out.put("additionalProperties", false);
        }
        return out;
    }

    private static void addImplicitRootFields(ObjectNode root) {
        ObjectNode properties = root.with("properties");
        properties.putObject("apiVersion").put("type", "string");
        properties.putObject("kind").put("type", "string");
        ObjectNode metadata = properties.putObject("metadata");
        metadata.put("type", "object");
        metadata.putArray("required").add("name");
        ObjectNode name = metadata.putObject("properties").putObject("name");
        name.put("type", "string").put("maxLength", 253).put("pattern", ApiPatterns.DNS_SUBDOMAIN);
    }

    private static Violation toViolation(ValidationMessage message) {
        String path = toFieldPath(message.getInstanceLocation());
        String rule = message.getType();
        if ("required".equals(rule) && message.getProperty() != null) {
            path = Violation.child(path, message.getProperty());
        } else if ("additionalProperties".equals(rule) && message.getProperty() != null) {
            path = Violation.child(path, message.getProperty());
            rule = "unknown-field";
        }
        String text = message.getMessage();
        String prefix = message.getInstanceLocation().toString() + ": ";
        if (text.startsWith(prefix)) {
            text = text.substring(prefix.length());
        }
        return new Violation(path, rule, text);
    }

    /** {@code spec.files[0].path} from the validator's node path. */
    private static String toFieldPath(JsonNodePath location) {
        String path = "";
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            path = element instanceof Integer index ? Violation.element(path, index) : Violation.child(path, element.toString());
        }
        return path;
    }
}
