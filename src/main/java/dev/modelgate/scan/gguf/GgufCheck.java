package dev.modelgate.scan.gguf;

import dev.modelgate.scan.ByteSource;
import dev.modelgate.scan.ScanFinding;
import dev.modelgate.scan.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates a GGUF file's header (versions 2 and 3): magic, version, tensor and key-value counts, every typed
 * key-value (strings and arrays bounded), and the tensor infos (dimensions, type, offsets aligned and inside
 * the file). Tensor data is not read. String values that are Jinja chat templates are inspected for
 * sandbox-escape payloads (CVE-2024-34359: a template reaching {@code __class__}, {@code __subclasses__},
 * {@code __globals__}, {@code __builtins__} or {@code __import__} runs code in llama-cpp-python and others).
 */
public final class GgufCheck {

    /** Findings, and the reason the file is not valid GGUF (null when it is). */
    public record Result(List<ScanFinding> findings, String error, long tensors, long keyValues) {
    }

    private static final long MAX_COUNT = 1_000_000;
    private static final long MAX_STRING = 64L << 20;
    private static final long MAX_ARRAY = 16_000_000;
    private static final int MAX_NESTING = 4;

    private final ByteSource src;
    private long pos;
    private final List<ScanFinding> findings = new ArrayList<>();
    private long alignment = 32;

    private GgufCheck(ByteSource src) {
        this.src = src;
    }

    /** Thrown where the header stops making sense. */
    static final class GgufError extends Exception {
        GgufError(String message) {
            super(message, null, false, false);
        }
    }

    public static Result check(ByteSource src) throws IOException {
        GgufCheck c = new GgufCheck(src);
        long tensors = 0;
        long kvs = 0;
        try {
            byte[] magic = c.bytes(4);
            if (!new String(magic, StandardCharsets.ISO_8859_1).equals("GGUF")) {
                throw new GgufError("bad magic");
            }
            long version = c.u32();
            if (version < 2 || version > 3) {
                throw new GgufError("unsupported GGUF version " + version);
            }
            tensors = c.u64();
            kvs = c.u64();
            if (tensors < 0 || kvs < 0 || tensors > MAX_COUNT || kvs > MAX_COUNT) {
                throw new GgufError("declares " + tensors + " tensors and " + kvs + " key-values, beyond the limit of "
                        + MAX_COUNT);
            }
            for (long i = 0; i < kvs; i++) {
                String key = c.string();
                int type = (int) c.u32();
                c.value(key, type, 0);
            }
            List<long[]> infos = new ArrayList<>();
            for (long i = 0; i < tensors; i++) {
                String name = c.string();
                long dims = c.u32();
                if (dims > 8) {
                    throw new GgufError("tensor " + name + " has " + dims + " dimensions");
                }
                long elements = 1;
                for (int d = 0; d < dims; d++) {
                    long n = c.u64();
                    if (n < 0) {
                        throw new GgufError("tensor " + name + " has a negative dimension");
                    }
                    try {
                        elements = Math.multiplyExact(elements, n);
                    } catch (ArithmeticException e) {
                        throw new GgufError("tensor " + name + " has a size that overflows");
                    }
                }
                long ggmlType = c.u32();
                if (ggmlType > 64) {
                    throw new GgufError("tensor " + name + " has unknown type " + ggmlType);
                }
                long offset = c.u64();
                if (offset < 0 || offset % c.alignment != 0) {
                    throw new GgufError("tensor " + name + " has offset " + offset + ", not aligned to " + c.alignment);
                }
                infos.add(new long[] {offset, elements});
            }
            long dataStart = (c.pos + c.alignment - 1) / c.alignment * c.alignment;
            long dataLen = src.size() - dataStart;
            for (long[] t : infos) {
                if (t[1] > 0 && t[0] >= dataLen) {
                    throw new GgufError("a tensor starts at " + t[0] + ", past the " + Math.max(0, dataLen)
                            + " bytes of tensor data");
                }
            }
        } catch (GgufError e) {
            return new Result(c.findings, e.getMessage() + " (at offset " + c.pos + ")", tensors, kvs);
        }
        return new Result(c.findings, null, tensors, kvs);
    }

    private void value(String key, int type, int depth) throws IOException, GgufError {
        switch (type) {
            case 0, 1, 7 -> skip(1);
            case 2, 3 -> skip(2);
            case 4, 5, 6 -> {
                long v = u32();
                if (key.equals("general.alignment") && type == 4) {
                    if (v == 0 || (v & (v - 1)) != 0 || v > (1 << 20)) {
                        throw new GgufError("general.alignment " + v + " is not a power of two");
                    }
                    alignment = v;
                }
            }
            case 10, 11, 12 -> skip(8);
            case 8 -> inspect(key, string());
            case 9 -> {
                if (depth >= MAX_NESTING) {
                    throw new GgufError("arrays nested deeper than " + MAX_NESTING + " in " + key);
                }
                int itemType = (int) u32();
                long n = u64();
                if (n < 0 || n > MAX_ARRAY) {
                    throw new GgufError("array " + key + " of " + n + " items exceeds the limit of " + MAX_ARRAY);
                }
                int fixed = switch (itemType) {
                    case 0, 1, 7 -> 1;
                    case 2, 3 -> 2;
                    case 4, 5, 6 -> 4;
                    case 10, 11, 12 -> 8;
                    default -> -1;
                };
                if (fixed > 0) {
                    skip(n * fixed);
                } else {
                    for (long i = 0; i < n; i++) {
                        value(key, itemType, depth + 1);
                    }
                }
            }
            default -> throw new GgufError("key " + key + " has unknown value type " + type);
        }
    }

    private void inspect(String key, String value) {
        if (!(key.contains("chat_template") || value.contains("{%") || value.contains("{{"))) {
            return;
        }
        // the same judgement as chat templates in tokenizer_config.json (FolderFiles)
        String escape = dev.modelgate.scan.code.FolderFiles.templateEscape(value);
        if (escape != null) {
            findings.add(ScanFinding.of(Severity.HIGH, pos, key + " is a template that reaches '" + escape
                    + "': a Jinja sandbox escape runs code when the template is rendered (CVE-2024-34359)"));
        }
    }

    private String string() throws IOException, GgufError {
        long n = u64();
        if (n < 0 || n > MAX_STRING) {
            throw new GgufError("string of " + n + " bytes exceeds the limit of " + MAX_STRING);
        }
        return new String(bytes((int) n), StandardCharsets.UTF_8);
    }

    private byte[] bytes(int n) throws IOException, GgufError {
        if (pos + n > src.size()) {
            throw new GgufError("header truncated");
        }
        byte[] b = src.readAt(pos, n);
        pos += n;
        return b;
    }

    private void skip(long n) throws GgufError {
        if (n < 0 || pos + n > src.size()) {
            throw new GgufError("header truncated");
        }
        pos += n;
    }

    private long u32() throws IOException, GgufError {
        byte[] b = bytes(4);
        return (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
    }

    private long u64() throws IOException, GgufError {
        long lo = u32();
        long hi = u32();
        return lo | hi << 32;
    }
}
