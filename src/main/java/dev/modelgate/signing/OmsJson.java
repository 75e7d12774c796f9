package dev.modelgate.signing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * Strict JSON for bundles and statements: duplicate keys, trailing content and non-objects are refused
 * (two parsers must never read one signed document two ways); and one writer whose layout is that of the
 * reference implementation (two-space indent, {@code "key": value}, {@code []} for an empty array).
 */
final class OmsJson {

    /** Bundles of very large models carry long base64 payloads; the bundle size itself is capped by the reader. */
    static final int MAX_STRING = 96 * 1024 * 1024;

    static final ObjectMapper MAPPER = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                    .maxStringLength(MAX_STRING).build())
            .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private OmsJson() {
    }

    /** Parses {@code bytes} as one JSON object; {@code what} names the document in the error. */
    static ObjectNode readObject(byte[] bytes, String what) throws OmsException {
        if (bytes.length == 0) {
            throw OmsException.badInput(what + " is empty");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw OmsException.badInput(what + " is not valid JSON: " + e.getOriginalMessage()
                    + location(e));
        } catch (IOException e) {
            throw OmsException.badInput(what + " cannot be read as JSON: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw OmsException.badInput(what + " is empty");
        }
        if (!node.isObject()) {
            throw OmsException.badInput(what + " is not a JSON object");
        }
        return (ObjectNode) node;
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }

    // ---- typed access with one-sentence errors ----

    static ObjectNode object(JsonNode parent, String field, String where) throws OmsException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            throw OmsException.badInput(where + " has no '" + field + "'");
        }
        if (!n.isObject()) {
            throw OmsException.badInput(where + "." + field + " is not a JSON object");
        }
        return (ObjectNode) n;
    }

    static String text(JsonNode parent, String field, String where) throws OmsException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            throw OmsException.badInput(where + " has no '" + field + "'");
        }
        if (!n.isTextual()) {
            throw OmsException.badInput(where + "." + field + " is not a string");
        }
        return n.textValue();
    }

    /** Standard or URL-safe base64 (DSSE allows both), padding optional; anything else is refused. */
    static byte[] base64(String value, String where) throws OmsException {
        if (value.isEmpty()) {
            throw OmsException.badInput(where + " is empty");
        }
        try {
            boolean url = value.indexOf('-') >= 0 || value.indexOf('_') >= 0;
            return (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(value);
        } catch (IllegalArgumentException e) {
            throw OmsException.badInput(where + " is not valid base64 (truncated or corrupted?): " + e.getMessage());
        }
    }

    // ---- writing ----

    /** Writes {@code node} the way the reference implementation lays out its statements. */
    static String write(JsonNode node) {
        StringBuilder b = new StringBuilder();
        write(node, b, 0);
        return b.toString();
    }

    private static void write(JsonNode node, StringBuilder b, int depth) {
        if (node.isObject()) {
            if (node.isEmpty()) {
                b.append("{}");
                return;
            }
            b.append("{\n");
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                indent(b, depth + 1);
                quote(e.getKey(), b);
                b.append(": ");
                write(e.getValue(), b, depth + 1);
                b.append(it.hasNext() ? ",\n" : "\n");
            }
            indent(b, depth);
            b.append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                b.append("[]");
                return;
            }
            b.append("[\n");
            for (int i = 0; i < node.size(); i++) {
                indent(b, depth + 1);
                write(node.get(i), b, depth + 1);
                b.append(i + 1 < node.size() ? ",\n" : "\n");
            }
            indent(b, depth);
            b.append(']');
        } else if (node.isTextual()) {
            quote(node.textValue(), b);
        } else {
            b.append(node.toString()); // numbers, booleans, null
        }
    }

    private static void indent(StringBuilder b, int depth) {
        b.append("  ".repeat(depth));
    }

    private static void quote(String s, StringBuilder b) {
        b.append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, b);
        b.append('"');
    }
}
