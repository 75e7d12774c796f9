package dev.modelgate.scan.keras;

import dev.modelgate.scan.ByteSource;
import dev.modelgate.scan.ScanFinding;
import dev.modelgate.scan.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Keras 2 {@code .h5} files keep the model as JSON text in the {@code model_config} attribute of the HDF5
 * root group. HDF5 is not parsed here; instead the JSON objects are located by their text: HDF5 never
 * compresses attributes or heap strings, so the configuration that Keras will read is present verbatim.
 * Each object is judged by {@link KerasConfigCheck}. An HDF5 file without a Keras configuration holds arrays
 * only (h5py reads data, it runs no code).
 */
public final class Hdf5KerasCheck {

    /** Findings, whether a Keras configuration was found, and a parse error (or null). */
    public record Result(List<ScanFinding> findings, boolean keras, String error) {
    }

    private static final byte[] MODEL_CONFIG = "model_config".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KERAS_VERSION = "keras_version".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLASS_NAME = "class_name".getBytes(StandardCharsets.US_ASCII);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final int MAX_JSON = 16 << 20;

    private Hdf5KerasCheck() {
    }

    public static Result check(ByteSource src, int cap) throws IOException {
        List<ScanFinding> findings = new ArrayList<>();
        byte[] b = src.readAt(0, (int) Math.min(src.size(), cap));
        if (src.size() > cap) {
            findings.add(ScanFinding.of(Severity.MEDIUM, cap, "only the first " + cap + " bytes of this HDF5 file were "
                    + "searched for a Keras model configuration"));
        }
        boolean keras = indexOf(b, MODEL_CONFIG, 0) >= 0 || indexOf(b, KERAS_VERSION, 0) >= 0;
        boolean modelConfig = indexOf(b, MODEL_CONFIG, 0) >= 0;
        int configs = 0;
        int from = 0;
        // every JSON object in the file is a candidate (found by its opening '{' and a key, then parsed by Jackson),
        // so a configuration whose keys use escapes or whitespace (cl\u0061ss_name) is found all the same
        boolean anyObject = indexOf(b, CLASS_NAME, 0) >= 0 || modelConfig;
        while (anyObject) {
            int at = nextObject(b, from);
            if (at < 0) {
                break;
            }
            int end = objectEnd(b, at);
            if (end < 0) {
                from = at + 1;
                continue;
            }
            byte[] json = java.util.Arrays.copyOfRange(b, at, end);
            if (!isKerasObject(json)) {
                from = at + 1;
                continue;
            }
            KerasConfigCheck.Result r = KerasConfigCheck.check(json);
            if (r.error() == null) {
                configs++;
                for (ScanFinding f : r.findings()) {
                    findings.add(ScanFinding.of(f.severity(), at, f.reason()));
                }
                from = end;
            } else {
                from = at + 1;
            }
        }
        if (modelConfig && configs == 0) {
            // Keras would still build whatever that attribute holds: what cannot be judged is refused
            findings.add(ScanFinding.of(Severity.HIGH, indexOf(b, MODEL_CONFIG, 0), "a model_config attribute is present "
                    + "but no readable Keras configuration was found, so the layers Keras builds were not checked"));
            return new Result(findings, true, "model_config attribute present but no readable Keras configuration");
        }
        return new Result(findings, keras, null);
    }

    /** The next '{' followed (after whitespace) by a '"': where a JSON object with keys may start. */
    private static int nextObject(byte[] b, int from) {
        for (int i = Math.max(0, from); i < b.length - 1; i++) {
            if (b[i] == '{') {
                int k = i + 1;
                while (k < b.length && (b[k] == ' ' || b[k] == '\n' || b[k] == '\r' || b[k] == '\t')) {
                    k++;
                }
                if (k < b.length && b[k] == '"') {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Parsed as JSON (escapes decoded): an object with a class_name key is a Keras configuration. */
    private static boolean isKerasObject(byte[] json) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(json);
            return n != null && n.isObject() && n.has("class_name");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The index after the '}' that closes the object opened at {@code start}, or -1. */
    private static int objectEnd(byte[] b, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < b.length && i - start < MAX_JSON; i++) {
            byte c = b[i];
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            } else if (c == 0) {
                return -1;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] b, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i <= b.length - pattern.length; i++) {
            for (int k = 0; k < pattern.length; k++) {
                if (b[i + k] != pattern[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
