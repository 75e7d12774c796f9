package dev.modelgate.scan.tf;

import dev.modelgate.scan.ByteSource;
import dev.modelgate.scan.ScanFinding;
import dev.modelgate.scan.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Walks a TensorFlow {@code saved_model.pb} ({@code SavedModel} → meta graphs → {@code GraphDef}, including the
 * function library) or a frozen {@code GraphDef}, with a protobuf wire reader that skips payloads, and judges
 * every node's op. Ops that call back into Python run code when the graph executes; file-system ops read or
 * write host files. The op table is below, with the reason for each entry.
 */
public final class TfGraphCheck {

    /** Findings, the number of nodes seen, and the reason the bytes are not a graph (null when they are). */
    public record Result(List<ScanFinding> findings, String error, int nodes) {
    }

    private record Rule(Severity severity, String reason) {
    }

    /** Ops judged by name. Checkpoint ops (SaveV2, RestoreV2, MergeV2Checkpoints) are in every SavedModel. */
    private static final Map<String, Rule> OPS = Map.ofEntries(
            Map.entry("PyFunc", new Rule(Severity.HIGH, "calls a Python function when the graph runs")),
            Map.entry("PyFuncStateless", new Rule(Severity.HIGH, "calls a Python function when the graph runs")),
            Map.entry("EagerPyFunc", new Rule(Severity.HIGH, "calls a Python function when the graph runs")),
            Map.entry("WriteFile", new Rule(Severity.HIGH, "writes a file on the host")),
            Map.entry("ReadFile", new Rule(Severity.MEDIUM, "reads a file on the host")),
            Map.entry("MatchingFiles", new Rule(Severity.MEDIUM, "lists files on the host")),
            Map.entry("ImmutableConst", new Rule(Severity.MEDIUM, "maps a host file into a tensor")),
            Map.entry("PrintV2", new Rule(Severity.LOW, "prints to a stream or file when the graph runs")));

    private static final int MAX_DEPTH = 32;
    private static final long MAX_FIELDS = 20_000_000;

    private enum Kind { SAVED_MODEL, META_GRAPH, GRAPH, LIBRARY, FUNCTION, NODE }

    private final ByteSource src;
    private final List<ScanFinding> findings = new ArrayList<>();
    private long fields;
    private int nodes;
    private final byte[] window = new byte[64 * 1024];
    private long windowStart = -1;
    private int windowLen;

    private TfGraphCheck(ByteSource src) {
        this.src = src;
    }

    static final class WireError extends Exception {
        WireError(String message) {
            super(message, null, false, false);
        }
    }

    /** Walks {@code saved_model.pb} (savedModel true) or a frozen GraphDef. */
    public static Result check(ByteSource src, boolean savedModel) throws IOException {
        TfGraphCheck c = new TfGraphCheck(src);
        try {
            c.message(0, src.size(), savedModel ? Kind.SAVED_MODEL : Kind.GRAPH, 0);
        } catch (WireError e) {
            return new Result(c.findings, "not a readable TensorFlow graph: " + e.getMessage(), c.nodes);
        }
        if (c.nodes == 0) {
            return new Result(c.findings, "no graph nodes found", 0);
        }
        return new Result(c.findings, null, c.nodes);
    }

    private static Kind child(Kind parent, int field) {
        return switch (parent) {
            case SAVED_MODEL -> field == 2 ? Kind.META_GRAPH : null;
            case META_GRAPH -> field == 2 ? Kind.GRAPH : null;
            case GRAPH -> field == 1 ? Kind.NODE : field == 2 ? Kind.LIBRARY : null;
            case LIBRARY -> field == 1 ? Kind.FUNCTION : null;
            case FUNCTION -> field == 3 ? Kind.NODE : null;
            case NODE -> null;
        };
    }

    private void message(long start, long end, Kind kind, int depth) throws IOException, WireError {
        if (depth > MAX_DEPTH) {
            throw new WireError("messages nested deeper than " + MAX_DEPTH);
        }
        String name = null;
        String op = null;
        long pos = start;
        while (pos < end) {
            if (++fields > MAX_FIELDS) {
                throw new WireError("more than " + MAX_FIELDS + " fields");
            }
            long[] tag = varint(pos, end);
            pos = tag[1];
            int field = (int) (tag[0] >>> 3);
            int wire = (int) (tag[0] & 7);
            if (field == 0) {
                throw new WireError("field number 0 at offset " + (pos - 1));
            }
            switch (wire) {
                case 0 -> pos = varint(pos, end)[1];
                case 1 -> pos = skip(pos, 8, end);
                case 5 -> pos = skip(pos, 4, end);
                case 2 -> {
                    long[] len = varint(pos, end);
                    long from = len[1];
                    if (len[0] < 0 || from + len[0] > end) {
                        throw new WireError("length-delimited field " + field + " runs past its message");
                    }
                    long to = from + len[0];
                    Kind sub = child(kind, field);
                    if (sub != null) {
                        message(from, to, sub, depth + 1);
                    } else if (kind == Kind.NODE && (field == 1 || field == 2)) {
                        String s = new String(src.readAt(from, (int) Math.min(len[0], 1024)), StandardCharsets.UTF_8);
                        if (field == 1) {
                            name = s;
                        } else {
                            op = s;
                        }
                    }
                    pos = to;
                }
                default -> throw new WireError("wire type " + wire + " at offset " + (pos - 1));
            }
        }
        if (kind == Kind.NODE) {
            nodes++;
            Rule r = op == null ? null : OPS.get(op);
            if (r != null) {
                findings.add(ScanFinding.of(r.severity(), start, "node '" + name + "' uses op " + op + ": " + r.reason()));
            }
        }
    }

    private int byteAt(long pos) throws IOException {
        if (windowStart < 0 || pos < windowStart || pos >= windowStart + windowLen) {
            windowStart = pos;
            windowLen = Math.max(0, src.read(pos, window, 0, window.length));
            if (windowLen == 0) {
                windowStart = -1;
                return -1;
            }
        }
        return window[(int) (pos - windowStart)] & 0xff;
    }

    private long skip(long pos, long n, long end) throws WireError {
        if (pos + n > end) {
            throw new WireError("truncated field");
        }
        return pos + n;
    }

    private long[] varint(long pos, long end) throws IOException, WireError {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = pos < end ? byteAt(pos++) : -1;
            if (b < 0) {
                throw new WireError("truncated varint");
            }
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return new long[] {v, pos};
            }
        }
        throw new WireError("varint longer than 10 bytes");
    }
}
