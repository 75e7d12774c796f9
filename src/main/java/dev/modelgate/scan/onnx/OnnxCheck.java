package dev.modelgate.scan.onnx;

import dev.modelgate.scan.ByteSource;
import dev.modelgate.scan.ProtoWire;
import dev.modelgate.scan.ScanFinding;
import dev.modelgate.scan.Severity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks an ONNX {@code ModelProto} with a small protobuf wire reader (no generated classes, tensor payloads
 * skipped, not read) and checks where tensors stored as external data point: ONNX runtimes open
 * {@code location} relative to the model folder, so an absolute path or one that climbs out with {@code ..}
 * reads arbitrary host files into the model (CVE-2022-25882 class). Every graph is visited: the main graph,
 * subgraphs in node attributes (If, Loop, Scan) and training graphs.
 */
public final class OnnxCheck implements ProtoWire.Visitor<OnnxCheck.Kind> {

    /** Findings, and the reason the bytes are not a readable ONNX model (null when they are). */
    public record Result(List<ScanFinding> findings, String error, int tensors) {
    }

    private final List<ScanFinding> findings = new ArrayList<>();
    private int tensors;
    private boolean sawGraph;
    private String tensorName;
    private final List<String[]> external = new ArrayList<>();
    private String entryKey;
    private String entryValue;

    /** True when the first bytes look like a ModelProto: field 1 (ir_version) as a small varint. */
    public static boolean looksLike(byte[] head) {
        return head.length >= 4 && head[0] == 0x08 && head[1] > 0 && head[1] < 32;
    }

    public static Result check(ByteSource src) throws IOException {
        OnnxCheck c = new OnnxCheck();
        try {
            new ProtoWire<>(src, c).walk(Kind.MODEL);
            if (!c.sawGraph) {
                return new Result(c.findings, "no graph in the model", c.tensors);
            }
        } catch (ProtoWire.WireError e) {
            return new Result(c.findings, "not a readable ONNX model: " + e.getMessage(), c.tensors);
        }
        return new Result(c.findings, null, c.tensors);
    }

    enum Kind { MODEL, GRAPH, NODE, ATTRIBUTE, TENSOR, SPARSE, TRAINING, ENTRY }

    /** Which fields of a message hold nested messages worth visiting, and as what. */
    @Override
    public Kind child(Kind parent, int field) {
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

    @Override
    public void enter(Kind kind, long offset) {
        if (kind == Kind.GRAPH) {
            sawGraph = true;
        } else if (kind == Kind.TENSOR) {
            tensorName = null;
            external.clear();
        } else if (kind == Kind.ENTRY) {
            entryKey = null;
            entryValue = null;
        }
    }

    @Override
    public void bytes(Kind kind, int field, long from, long length, ProtoWire<Kind> wire) throws IOException {
        if (kind == Kind.ENTRY && field == 1) {
            entryKey = wire.string(from, length, 65536);
        } else if (kind == Kind.ENTRY && field == 2) {
            entryValue = wire.string(from, length, 65536);
        } else if (kind == Kind.TENSOR && field == 8) {
            tensorName = wire.string(from, length, 1024);
        }
    }

    @Override
    public void exit(Kind kind, long offset) {
        if (kind == Kind.ENTRY) {
            external.add(new String[] {entryKey, entryValue});
        } else if (kind == Kind.TENSOR) {
            tensors++;
            for (String[] kv : external) {
                if ("location".equals(kv[0]) && kv[1] != null) {
                    checkLocation(tensorName, kv[1], offset);
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
}
