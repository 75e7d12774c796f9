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
        return fileLine(f, null);
    }

    /**
     * The per-file line with the fields {@code verify-pod} writes: {@code code} (the verifier's reason code of a
     * failure) and {@code scan} (the scan verdict of the file, when it was scanned).
     */
    static String fileLine(dev.modelgate.integrity.FileResult f, dev.modelgate.integrity.ScanCheck scans) {
        java.util.Map<String, Object> line = new java.util.LinkedHashMap<>();
        line.put("event", "file");
        line.put("path", f.path());
        line.put("result", f.result());
        if (!f.ok()) {
            for (dev.modelgate.integrity.FindingKind k : dev.modelgate.integrity.FindingKind.values()) {
                if (k.id().equals(f.result())) {
                    line.put("code", dev.modelgate.verifier.ReasonCode.of(k));
                }
            }
        }
        line.put("reason", f.reason());
        line.put("bytes", Math.max(f.size(), 0));
        line.put("ms", f.millis());
        line.put("sha256", f.sha256());
        dev.modelgate.scan.ScanReport scanned = scans == null ? null : scans.reports().get(f.path());
        if (scanned != null) {
            line.put("scan", scanned.verdict().label());
        }
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
