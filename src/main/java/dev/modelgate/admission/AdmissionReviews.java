package dev.modelgate.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.policy.AdmissionInput;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * AdmissionReview v1 in and out, as plain JSON trees: the request's object is kept exactly as the API server
 * sent it (patches address its fields), and the response is written without a model round-trip.
 */
public final class AdmissionReviews {

    static final String API_VERSION = "admission.k8s.io/v1";
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private AdmissionReviews() {
    }

    /** A request that cannot be judged at all: answered with HTTP 400 and this sentence. */
    public static final class BadReview extends Exception {
        BadReview(String message) {
            super(message);
        }
    }

    /** The request's uid and what it asks, or {@link BadReview} naming what is wrong with the body. */
    public record Request(String uid, AdmissionInput input, boolean dryRun) {
    }

    public static Request parse(byte[] body) throws BadReview {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadReview("the request body is not JSON (" + e.getOriginalMessage()
                    + "); the webhook accepts AdmissionReview admission.k8s.io/v1 objects only");
        } catch (java.io.IOException e) {
            throw new BadReview("the request body cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadReview("the request body is not a JSON object; the webhook accepts AdmissionReview "
                    + "admission.k8s.io/v1 objects only");
        }
        if (!"AdmissionReview".equals(root.path("kind").asText()) || !API_VERSION.equals(root.path("apiVersion").asText())) {
            throw new BadReview("the request body is not an AdmissionReview " + API_VERSION + " (apiVersion '"
                    + root.path("apiVersion").asText() + "', kind '" + root.path("kind").asText()
                    + "'); set admissionReviewVersions: [v1] in the webhook configuration");
        }
        JsonNode req = root.path("request");
        String uid = req.path("uid").asText("");
        if (!req.isObject() || uid.isEmpty()) {
            throw new BadReview("the AdmissionReview has no request.uid; it was not sent by an API server");
        }
        String kind = req.path("kind").path("kind").asText("");
        if (kind.isEmpty()) {
            throw new BadReview("AdmissionReview request " + uid + " has no request.kind.kind");
        }
        List<String> groups = new ArrayList<>();
        req.path("userInfo").path("groups").forEach(g -> groups.add(g.asText()));
        JsonNode object = req.path("object");
        JsonNode old = req.path("oldObject");
        String subResource = req.path("subResource").asText("");
        AdmissionInput in = new AdmissionInput(req.path("operation").asText(""), req.path("kind").path("group").asText(""),
                kind, subResource.isEmpty() ? null : subResource, textOrNull(req.path("namespace")),
                object.isObject() ? object : null, old.isObject() ? old : null,
                textOrNull(req.path("userInfo").path("username")), groups);
        return new Request(uid, in, req.path("dryRun").asBoolean(false));
    }

    /**
     * The AdmissionReview answer. {@code patch} may be null or empty; a denial carries HTTP 403 in its status.
     * Written with a streaming generator (the patch straight into base64): this is on every admission.
     */
    public static byte[] response(String uid, boolean allowed, String message, List<String> warnings, ArrayNode patch) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(patch == null ? 256 : 8192);
        try (com.fasterxml.jackson.core.JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("apiVersion", API_VERSION);
            g.writeStringField("kind", "AdmissionReview");
            g.writeObjectFieldStart("response");
            g.writeStringField("uid", uid);
            g.writeBooleanField("allowed", allowed);
            if (!allowed) {
                g.writeObjectFieldStart("status");
                g.writeNumberField("code", 403);
                g.writeStringField("reason", "Forbidden");
                g.writeStringField("message", message);
                g.writeEndObject();
            }
            if (warnings != null && !warnings.isEmpty()) {
                g.writeArrayFieldStart("warnings");
                for (String w : warnings) {
                    g.writeString(w);
                }
                g.writeEndArray();
            }
            if (patch != null && !patch.isEmpty()) {
                g.writeStringField("patchType", "JSONPatch");
                g.writeFieldName("patch");
                byte[] ops = bytes(patch);
                g.writeBinary(com.fasterxml.jackson.core.Base64Variants.MIME_NO_LINEFEEDS, ops, 0, ops.length);
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** The HTTP 400 body for a request that is not an AdmissionReview. */
    public static byte[] error(String message) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("error", message);
        return bytes(root);
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String textOrNull(JsonNode n) {
        return n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
