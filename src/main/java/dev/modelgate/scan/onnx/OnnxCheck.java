package dev.modelgate.scan.onnx;

import dev.modelgate.scan.ByteSource;
import dev.modelgate.scan.ScanFinding;
import dev.modelgate.scan.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks an ONNX {@code ModelProto} with a small protobuf wire reader (no generated classes, tensor payloads
 * skipped, not read) and checks where tensors stored as external data point: ONNX runtimes open
 * {@code location} relative to the model folder, so an absolute path or one that climbs out with {@code ..}
 * reads arbitrary host files into the model (CVE-2022-25882 class). Every graph is visited: the main graph,
 * subgraphs in node attributes (If, Loop, Scan) and training graphs.
 */
public final class OnnxCheck {

    /** Findings, and the reason the bytes are not a readable ONNX model (null when they are). */
    public record Result(List<ScanFinding> findings, String error, int tensors) {
    }

    private static final int MAX_DEPTH = 32;
    private static final long MAX_FIELDS = 20_000_000;

    private final ByteSource src;
    private final List<ScanFinding> findings = new ArrayList<>();
    private long fields;
    private int tensors;
    private boolean sawGraph;

    private OnnxCheck(ByteSource src) {
        this.src = src;
    }

    static final class WireError extends Exception {
        WireError(String message) {
            super(message, null, false, false);
        }
    }

    /** True when the first bytes look like a ModelProto: field 1 (ir_version) as a small varint. */
    public static boolean looksLike(byte[] head) {
        return head.length >= 4 && head[0] == 0x08 && head[1] > 0 && head[1] < 32;
    }

    public static Result check(ByteSource src) throws IOException {
        OnnxCheck c = new OnnxCheck(src);
        try {
            c.message(0, src.size(), Kind.MODEL, 0);
            if (!c.sawGraph) {
                return new Result(c.findings, "no graph in the model", c.tensors);
            }
        } catch (WireError e) {
            return new Result(c.findings, "not a readable ONNX model: " + e.getMessage(), c.tensors);
        }
        return new Result(c.findings, null, c.tensors);
    }

    private enum Kind { MODEL, GRAPH, NODE, ATTRIBUTE, TENSOR, SPARSE, TRAINING, ENTRY }

    /** Which fields of a message hold nested messages worth visiting, and as what. */
    private static Kind child(Kind parent, int field) {
        return switch (parent) {
            case MODEL -> field == 7 ? Kind.GRAPH : field == 20 ? Kind.TRAINING : null;
            case TRAINING -> field == 1 || field == 2 ? Kind.GRAPH : null;
            case GRAPH -> field == 1 ? Kind.NODE : field == 5 ? Kind.TENSOR : field == 15 ? Kind.SPARSE : null;
            case NODE -> field == 5 ? Kind.ATTRIBUTE : null;
            case ATTRIBUTE -> field == 5 || field == 10 ? Kind.TENSOR : field == 6 || field == 11 ? Kind.GRAPH
                    : field == 22 || field == 23 ? Kind.SPARSE : null;
            case SPARSE -> field == 1 || field == 2 ? Kind.TENSOR : null;
            case TENSOR -> field == 13 ? Kind.ENTRY : null;
            case ENTRY -> null;
        };
    }

    private String entryKey;
    private String entryValue;

    private void message(long start, long end, Kind kind, int depth) throws IOException, WireError {
        if (depth > MAX_DEPTH) {
            throw new WireError("messages nested deeper than " + MAX_DEPTH);
        }
        if (kind == Kind.GRAPH) {
            sawGraph = true;
        }
        List<String[]> external = kind == Kind.TENSOR ? new ArrayList<>() : null;
        String tensorName = null;
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
                    if (sub == Kind.ENTRY) {
                        entryKey = null;
                        entryValue = null;
                        message(from, to, Kind.ENTRY, depth + 1);
                        external.add(new String[] {entryKey, entryValue});
                    } else if (sub != null) {
                        message(from, to, sub, depth + 1);
                    } else if (kind == Kind.ENTRY && (field == 1 || field == 2)) {
                        String s = new String(src.readAt(from, (int) Math.min(len[0], 65536)), StandardCharsets.UTF_8);
                        if (field == 1) {
                            entryKey = s;
                        } else {
                            entryValue = s;
                        }
                    } else if (kind == Kind.TENSOR && field == 8) {
                        tensorName = new String(src.readAt(from, (int) Math.min(len[0], 1024)), StandardCharsets.UTF_8);
                    }
                    pos = to;
                }
                default -> throw new WireError("wire type " + wire + " at offset " + (pos - 1));
            }
        }
        if (kind == Kind.TENSOR) {
            tensors++;
            for (String[] kv : external) {
                if ("location".equals(kv[0]) && kv[1] != null) {
                    checkLocation(tensorName, kv[1], start);
                }
            }
        }
    }

    private void checkLocation(String tensor, String location, long offset) {
        String l = location.replace('\\', '/');
        String why = null;
        if (l.startsWith("/") || l.matches("^[A-Za-z]:.*") || l.startsWith("//")) {
            why = "is an absolute path";
        } else {
            for (String part : l.split("/")) {
                if (part.equals("..")) {
                    why = "climbs out of the model folder with '..'";
                    break;
                }
            }
        }
        if (location.indexOf('\0') >= 0) {
            why = "contains a NUL byte";
        }
        if (why != null) {
            findings.add(ScanFinding.of(Severity.HIGH, offset, "external data location '" + location + "' of tensor "
                    + tensor + " " + why + ": loading reads a file outside the model (CVE-2022-25882 class)"));
        }
    }

    private final byte[] window = new byte[64 * 1024];
    private long windowStart = -1;
    private int windowLen;

    /** One byte through a small read window, so tags and lengths do not cost a read each. */
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
            if (pos >= end) {
                throw new WireError("truncated varint");
            }
            int b = byteAt(pos++);
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
