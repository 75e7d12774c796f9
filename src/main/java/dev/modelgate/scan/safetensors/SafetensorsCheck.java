package dev.modelgate.scan.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.scan.ByteSource;
import dev.modelgate.scan.ScanFinding;
import dev.modelgate.scan.Severity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates a safetensors file the way the reference loader does, reading only the header: an 8-byte
 * little-endian header length (bounded), a JSON object (strict JSON, no duplicate keys), known dtypes,
 * shapes whose byte size matches the data offsets, offsets in bounds, non-overlapping and contiguous from 0
 * to the end of the file, and {@code __metadata__} as string-to-string. Metadata that reads like code is
 * reported: safetensors never runs it, but tooling that evaluates it would.
 */
public final class SafetensorsCheck {

    /** Findings, and the reason the file is not valid safetensors (null when it is). */
    public record Result(List<ScanFinding> findings, String error, int tensors) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Bits per element of each dtype the format defines. */
    private static final Map<String, Integer> DTYPE_BITS = Map.ofEntries(
            Map.entry("BOOL", 8), Map.entry("U8", 8), Map.entry("I8", 8), Map.entry("F8_E5M2", 8),
            Map.entry("F8_E4M3", 8), Map.entry("F8_E8M0", 8), Map.entry("I16", 16), Map.entry("U16", 16),
            Map.entry("F16", 16), Map.entry("BF16", 16), Map.entry("I32", 32), Map.entry("U32", 32),
            Map.entry("F32", 32), Map.entry("F64", 64), Map.entry("I64", 64), Map.entry("U64", 64),
            Map.entry("C64", 64), Map.entry("F4", 4), Map.entry("F6_E2M3", 6), Map.entry("F6_E3M2", 6));

    private static final Pattern CODE_LIKE = Pattern.compile(
            "(?i)(\\bimport\\s+(os|sys|subprocess|socket|shutil|builtins|importlib|pty|ctypes|requests|urllib|"
                    + "base64|pickle|marshal)\\b|\\bfrom\\s+[\\w.]+\\s+import\\b|__import__|"
                    + "\\bos\\.(system|popen|exec)|\\bsubprocess\\b|\\beval\\s*\\(|"
                    + "\\bexec\\s*\\(|/bin/(ba)?sh\\b|\\brm\\s+-rf\\b|\\bcurl\\s+|\\bwget\\s+|powershell|"
                    + "<script\\b|\\{\\{.*__\\w+__|\\bpickle\\.loads\\b)");

    private SafetensorsCheck() {
    }

    /** True when the first bytes look like a safetensors header: a plausible length and then '{'. */
    public static boolean looksLike(byte[] head, long fileSize) {
        if (head.length < 9 || head[8] != '{') {
            return false;
        }
        long n = le64(head);
        return n >= 2 && n > 0;
    }

    public static Result check(ByteSource src, int maxHeader) throws IOException {
        List<ScanFinding> findings = new ArrayList<>();
        long size = src.size();
        if (size < 8) {
            return new Result(findings, "shorter than the 8-byte header length", 0);
        }
        long n = le64(src.readAt(0, 8));
        if (n < 0 || n > maxHeader) {
            return new Result(findings, "header length " + Long.toUnsignedString(n) + " exceeds the limit of "
                    + maxHeader + " bytes", 0);
        }
        if (8 + n > size) {
            return new Result(findings, "header length " + n + " runs past the end of the file (" + size + " bytes)", 0);
        }
        byte[] header = src.readAt(8, (int) n);
        if (n == 0 || header[0] != '{') {
            return new Result(findings, "header does not start with '{'", 0);
        }
        JsonNode root;
        try {
            String text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(header)).toString();
            root = JSON.readTree(text);
        } catch (java.nio.charset.CharacterCodingException e) {
            return new Result(findings, "header is not UTF-8", 0);
        } catch (JsonProcessingException e) {
            return new Result(findings, "header is not valid JSON: " + e.getOriginalMessage(), 0);
        }
        if (root == null || !root.isObject()) {
            return new Result(findings, "header is not a JSON object", 0);
        }
        long dataLen = size - 8 - n;
        record Span(String name, long begin, long end) {
        }
        List<Span> spans = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) {
                    return new Result(findings, "__metadata__ is not an object", 0);
                }
                Iterator<Map.Entry<String, JsonNode>> m = v.fields();
                while (m.hasNext()) {
                    Map.Entry<String, JsonNode> kv = m.next();
                    if (!kv.getValue().isTextual()) {
                        return new Result(findings, "__metadata__." + kv.getKey() + " is not a string", 0);
                    }
                    String text = kv.getKey() + " " + kv.getValue().asText();
                    if (CODE_LIKE.matcher(text).find()) {
                        findings.add(ScanFinding.of(Severity.MEDIUM, 8,
                                "__metadata__." + kv.getKey() + " reads like code or a shell command; safetensors "
                                        + "does not run it, but anything that evaluates metadata would: "
                                        + abbreviate(kv.getValue().asText())));
                    }
                }
                continue;
            }
            if (!v.isObject()) {
                return new Result(findings, "tensor " + name + " is not an object", 0);
            }
            JsonNode dtype = v.get("dtype");
            JsonNode shape = v.get("shape");
            JsonNode offsets = v.get("data_offsets");
            if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || offsets == null
                    || !offsets.isArray() || offsets.size() != 2) {
                return new Result(findings, "tensor " + name + " lacks dtype, shape or data_offsets [begin, end]", 0);
            }
            Integer bits = DTYPE_BITS.get(dtype.asText().toUpperCase(Locale.ROOT));
            if (bits == null || !dtype.asText().equals(dtype.asText().toUpperCase(Locale.ROOT))) {
                return new Result(findings, "tensor " + name + " has unknown dtype " + dtype.asText(), 0);
            }
            long numel = 1;
            try {
                for (JsonNode d : shape) {
                    if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                        return new Result(findings, "tensor " + name + " has a bad shape " + shape, 0);
                    }
                    numel = Math.multiplyExact(numel, d.asLong());
                }
                long bitsTotal = Math.multiplyExact(numel, (long) bits);
                if (bitsTotal % 8 != 0) {
                    return new Result(findings, "tensor " + name + " does not fill whole bytes", 0);
                }
                JsonNode b0 = offsets.get(0);
                JsonNode b1 = offsets.get(1);
                if (!b0.isIntegralNumber() || !b1.isIntegralNumber() || !b0.canConvertToLong() || !b1.canConvertToLong()) {
                    return new Result(findings, "tensor " + name + " has non-integer data_offsets", 0);
                }
                long begin = b0.asLong();
                long end = b1.asLong();
                if (begin < 0 || end < begin) {
                    return new Result(findings, "tensor " + name + " has data_offsets [" + begin + ", " + end + "]", 0);
                }
                if (end > dataLen) {
                    return new Result(findings, "tensor " + name + " ends at " + end + ", past the data buffer of "
                            + dataLen + " bytes", 0);
                }
                if (end - begin != bitsTotal / 8) {
                    return new Result(findings, "tensor " + name + " of " + dtype.asText() + " " + shape + " needs "
                            + bitsTotal / 8 + " bytes but its data_offsets span " + (end - begin), 0);
                }
                spans.add(new Span(name, begin, end));
            } catch (ArithmeticException ex) {
                return new Result(findings, "tensor " + name + " has a shape whose size overflows", 0);
            }
        }
        spans.sort((a, b) -> a.begin() != b.begin() ? Long.compare(a.begin(), b.begin()) : Long.compare(a.end(), b.end()));
        long at = 0;
        for (Span s : spans) {
            if (s.begin() < at) {
                return new Result(findings, "tensor " + s.name() + " overlaps the previous tensor (starts at "
                        + s.begin() + ", previous ends at " + at + ")", spans.size());
            }
            if (s.begin() > at) {
                return new Result(findings, "gap before tensor " + s.name() + " (bytes " + at + " to " + s.begin()
                        + " belong to no tensor)", spans.size());
            }
            at = s.end();
        }
        if (at != dataLen) {
            return new Result(findings, (dataLen - at) + " bytes after the last tensor belong to no tensor", spans.size());
        }
        return new Result(findings, null, spans.size());
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static long le64(byte[] b) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }
}
