package dev.modelgate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.modelgate.api.schema.CrdSchemas;
import dev.modelgate.api.schema.Violation;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.SigningKey;
import dev.modelgate.api.v1alpha1.SigningSpec;
import dev.modelgate.signing.OmsException;
import dev.modelgate.signing.SignaturePolicy;
import java.time.Clock;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.policy.ModelManifests;
import dev.modelgate.policy.ReviewSchedule;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads TrustedModels and ModelSources as strictly as the API server: the committed CRD's schema (patterns,
 * formats, enums, bounds, required and unknown fields), then the typed object with unknown fields refused, then
 * the rules the CRD states in CEL that the policy code checks (duplicate paths, review needing a date). Every
 * problem is one line naming the field; no Java exception text reaches the user.
 */
final class Resources {

    static final String API_VERSION = "modelgate.dev/v1alpha1";

    private static final ObjectMapper STRICT = ResourceYaml.MAPPER.copy()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Resources() {
    }

    static TrustedModel trustedModel(String where, JsonNode node) {
        List<String> schema = schemaProblems("TrustedModel", node);
        TrustedModel tm = typed(where, node, TrustedModel.class, schema);
        List<String> problems = new ArrayList<>();
        if (tm.getSpec() != null) {
            // The policy code's sentences are clearer than the schema's patterns, and name the same rules.
            problems.addAll(ModelManifests.problems(tm).stream().map(p -> stripName(tm, p)).toList());
            if (tm.getSpec().getReview() != null) {
                try {
                    ReviewSchedule.dueAt(tm.getSpec().getReview());
                } catch (RuntimeException e) {
                    problems.add("spec.review: " + e.getMessage());
                }
            }
        }
        fail(where, problems.isEmpty() ? schema : problems);
        return tm;
    }

    static ModelSource modelSource(String where, JsonNode node) {
        List<String> problems = schemaProblems("ModelSource", node);
        ModelSource source = typed(where, node, ModelSource.class, problems);
        fail(where, problems);
        JsonNode spec = node.path("spec");
        if (spec.isObject() && !spec.has("urls") && !spec.has("oci")) {
            // The CRD's CEL rule on spec, has(self.urls) || has(self.oci) (message as in the CRD).
            problems.add("spec.urls: a source needs spec.urls (https download prefixes) or spec.oci.repositories "
                    + "(registry prefixes)");
        }
        SigningSpec signing = source.getSpec() == null ? null : source.getSpec().getSigning();
        if (signing != null) {
            // The CRD's CEL rules that the signature policy does not already refuse (messages as in the CRD).
            for (int i = 0; i < signing.getKeys().size(); i++) {
                SigningKey k = signing.getKeys().get(i);
                if (k.revokedKey() && (k.getReason() == null || k.getReason().isEmpty())) {
                    problems.add("spec.signing.keys[" + i + "].reason: a revoked key needs a reason");
                }
            }
            if (signing.signatureRequired() && signing.getKeys().isEmpty() && signing.getCertificates() == null
                    && signing.getKeyless() == null) {
                problems.add("spec.signing: signing.required needs at least one of keys, certificates or keyless to "
                        + "verify signatures with");
            }
            fail(where, problems);
            try {
                SignaturePolicy.fromSource(source.getSpec(), Clock.systemUTC());
            } catch (OmsException | RuntimeException e) {
                problems.add("spec.signing: " + e.getMessage());
            }
        }
        fail(where, problems);
        return source;
    }

    private static String stripName(TrustedModel tm, String problem) {
        String name = ModelManifests.name(tm) + ": ";
        return problem.startsWith(name) ? problem.substring(name.length()) : problem;
    }

    /** Kind and apiVersion must be {@code expected} in modelgate.dev/v1alpha1. */
    static void requireKind(String where, JsonNode node, String expected) {
        if (!node.isObject()) {
            throw new BadInputException(where + ": is not a Kubernetes resource (expected a mapping)");
        }
        String kind = node.path("kind").asText("");
        String apiVersion = node.path("apiVersion").asText("");
        if (!expected.equals(kind) || !API_VERSION.equals(apiVersion)) {
            throw new BadInputException(where + ": is a " + (kind.isEmpty() ? "resource without kind" : kind)
                    + (apiVersion.isEmpty() ? "" : " (" + apiVersion + ")") + ", expected a " + expected + " ("
                    + API_VERSION + ")");
        }
    }

    private static List<String> schemaProblems(String kind, JsonNode node) {
        List<String> unknown = new ArrayList<>();
        List<String> out = new ArrayList<>();
        for (Violation v : CrdSchemas.validate(kind, node)) {
            String path = v.path().isEmpty() ? "(document)" : v.path();
            switch (v.rule()) {
                case "unknown-field" -> unknown.add(path + ": unknown field '" + path.substring(path.lastIndexOf('.') + 1)
                        + "'; check its spelling against docs/resources.md");
                case "pattern" -> out.add(path + ": does not have the form the CRD requires ("
                        + v.message().replace("does not match the regex pattern ", "pattern ") + ")");
                default -> out.add(path + ": " + v.message());
            }
        }
        unknown.addAll(out); // a misspelt field first: the "required" line that follows is its consequence
        return unknown;
    }

    /** The typed object; when it cannot be read, refused with the schema's reasons (or Jackson's, as a sentence). */
    private static <T> T typed(String where, JsonNode node, Class<T> type, List<String> problems) {
        try {
            return STRICT.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            if (problems.isEmpty()) {
                problems.add(e instanceof JsonProcessingException j ? sentence(j) : "cannot be read");
            }
            fail(where, problems);
            throw new AssertionError(); // not reached
        }
    }

    /** A Jackson error as "field: what is wrong", without class names. */
    static String sentence(JsonProcessingException e) {
        String field = fieldPath(e);
        if (e instanceof UnrecognizedPropertyException u) {
            return field + ": unknown field '" + u.getPropertyName() + "'; check its spelling against docs/resources.md";
        }
        if (e instanceof InvalidFormatException f) {
            return field + ": '" + f.getValue() + "' is not a valid " + simpleType(f.getTargetType());
        }
        if (e instanceof MismatchedInputException m) {
            return field + ": expected " + simpleType(m.getTargetType());
        }
        return field + ": cannot be read";
    }

    private static String simpleType(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type.isEnum()) {
            List<String> values = new ArrayList<>();
            for (Object c : type.getEnumConstants()) {
                values.add(c.toString().toLowerCase(java.util.Locale.ROOT));
            }
            return "value (one of " + String.join(", ", values) + ")";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean (true or false)";
        }
        if (type == String.class) {
            return "string";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "list";
        }
        return "mapping";
    }

    static String fieldPath(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException m) || m.getPath().isEmpty()) {
            return "(document)";
        }
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** One problem: on the same line; several: one per line, indented. */
    static void fail(String where, List<String> problems) {
        if (problems.isEmpty()) {
            return;
        }
        if (problems.size() == 1) {
            throw new BadInputException(where + ": " + problems.get(0));
        }
        throw new BadInputException(where + ": " + problems.size() + " problems:\n  " + String.join("\n  ", problems));
    }
}
