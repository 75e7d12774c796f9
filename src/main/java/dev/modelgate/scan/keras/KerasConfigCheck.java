package dev.modelgate.scan.keras;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.scan.ScanFinding;
import dev.modelgate.scan.Severity;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Judges a Keras model configuration ({@code config.json} of a Keras 3 {@code .keras} archive): every object
 * with a {@code class_name} is a layer or object Keras will instantiate. A {@code Lambda} layer (or a
 * {@code __lambda__} function) carries Python code, as marshalled bytecode or source, that runs when the model
 * is loaded with {@code safe_mode=False} or called: HIGH. Objects from modules outside Keras are custom code
 * that loading imports: MEDIUM.
 */
public final class KerasConfigCheck {

    /** Findings, and the reason the configuration could not be read (null when it could). */
    public record Result(List<ScanFinding> findings, String error) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private KerasConfigCheck() {
    }

    public static Result check(byte[] config) {
        JsonNode root;
        try {
            root = JSON.readTree(config);
        } catch (JsonProcessingException e) {
            return new Result(List.of(), "config.json is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            return new Result(List.of(), "config.json cannot be read: " + e.getMessage());
        }
        List<ScanFinding> findings = new ArrayList<>();
        walk(root, "", findings, 0);
        return new Result(findings, null);
    }

    private static void walk(JsonNode n, String where, List<ScanFinding> out, int depth) {
        if (depth > 256 || out.size() > 1000) {
            return;
        }
        if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                walk(n.get(i), where + "[" + i + "]", out, depth + 1);
            }
            return;
        }
        if (!n.isObject()) {
            return;
        }
        JsonNode cls = n.get("class_name");
        if (cls != null && cls.isTextual()) {
            String c = cls.asText();
            JsonNode cfg = n.get("config");
            String name = cfg != null && cfg.has("name") ? cfg.get("name").asText() : where;
            if (c.equals("Lambda") || c.equals("__lambda__")) {
                out.add(ScanFinding.of(Severity.HIGH, -1, (c.equals("Lambda") ? "Lambda layer '" + name + "'"
                        : "lambda function at " + where) + " carries Python code that runs when the model is loaded "
                        + "with safe_mode=False or called"));
            } else if (c.equals("TFOpLambda") || c.equals("SlicingOpLambda")) {
                out.add(ScanFinding.of(Severity.MEDIUM, -1, c + " layer '" + name + "' calls a TensorFlow function by name"));
            }
            JsonNode module = n.get("module");
            if (module != null && module.isTextual()) {
                String m = module.asText();
                String root = m.contains(".") ? m.substring(0, m.indexOf('.')) : m;
                if (!root.toLowerCase(Locale.ROOT).equals("keras") && !root.equals("keras_hub") && !root.equals("keras_nlp")
                        && !root.equals("keras_cv")) {
                    out.add(ScanFinding.of(Severity.MEDIUM, -1, "object " + c + " comes from module '" + m
                            + "', outside Keras: loading imports and runs that module's code"));
                }
            }
        }
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            walk(e.getValue(), where.isEmpty() ? e.getKey() : where + "." + e.getKey(), out, depth + 1);
        }
    }
}
