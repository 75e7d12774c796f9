package dev.modelgate.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** One configured JSON mapper for CLI output: stable field order, no nulls. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {
    }

    static String line(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** The per-file line of `verify --json` (and of the verifier): event, path, result, reason, bytes, ms, sha256. */
    static String fileLine(dev.modelgate.integrity.FileResult f) {
        java.util.Map<String, Object> line = new java.util.LinkedHashMap<>();
        line.put("event", "file");
        line.put("path", f.path());
        line.put("result", f.result());
        line.put("reason", f.reason());
        line.put("bytes", Math.max(f.size(), 0));
        line.put("ms", f.millis());
        line.put("sha256", f.sha256());
        return line(line);
    }

    static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
