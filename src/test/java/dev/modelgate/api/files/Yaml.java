package dev.modelgate.api.files;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** YAML as Jackson trees, plus a structural diff so test failures say where two documents differ. */
public final class Yaml {

    public static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());

    private Yaml() {
    }

    /** Every document in a (possibly multi-document) YAML file; empty documents are skipped. */
    public static List<JsonNode> readAll(Path file) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode document = it.next();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }

    /** The single document in {@code file}. */
    public static JsonNode readOne(Path file) throws IOException {
        List<JsonNode> documents = readAll(file);
        if (documents.size() != 1) {
            throw new IOException(file + " holds " + documents.size() + " YAML documents, expected 1");
        }
        return documents.get(0);
    }

    /** JSON-pointer-like paths where {@code expected} and {@code actual} differ, at most {@code limit}. */
    public static List<String> differences(JsonNode expected, JsonNode actual, int limit) {
        List<String> out = new ArrayList<>();
        diff("", expected, actual, out, limit);
        return out;
    }

    private static void diff(String path, JsonNode expected, JsonNode actual, List<String> out, int limit) {
        if (out.size() >= limit || expected.equals(actual)) {
            return;
        }
        if (expected.isObject() && actual.isObject()) {
            ObjectNode e = (ObjectNode) expected;
            ObjectNode a = (ObjectNode) actual;
            for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                String child = path + "/" + field.getKey();
                if (!a.has(field.getKey())) {
                    add(out, limit, child + ": missing");
                } else {
                    diff(child, field.getValue(), a.get(field.getKey()), out, limit);
                }
            }
            for (Iterator<String> it = a.fieldNames(); it.hasNext();) {
                String name = it.next();
                if (!e.has(name)) {
                    add(out, limit, path + "/" + name + ": unexpected");
                }
            }
        } else if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
            for (int i = 0; i < expected.size(); i++) {
                diff(path + "/" + i, expected.get(i), actual.get(i), out, limit);
            }
        } else {
            add(out, limit, (path.isEmpty() ? "/" : path) + ": " + abbreviate(expected) + " != " + abbreviate(actual));
        }
    }

    private static void add(List<String> out, int limit, String line) {
        if (out.size() < limit) {
            out.add(line);
        }
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 120 ? text.substring(0, 117) + "..." : text;
    }
}
