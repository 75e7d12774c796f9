package dev.modelgate.scan.tf;

import dev.modelgate.scan.ByteSource;
import dev.modelgate.scan.ProtoWire;
import dev.modelgate.scan.ScanFinding;
import dev.modelgate.scan.Severity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Walks a TensorFlow {@code saved_model.pb} ({@code SavedModel} → meta graphs → {@code GraphDef}, including the
 * function library) or a frozen {@code GraphDef}, with a protobuf wire reader that skips payloads, and judges
 * every node's op. Ops that call back into Python run code when the graph executes; file-system ops read or
 * write host files. The op table is below, with the reason for each entry.
 */
public final class TfGraphCheck implements ProtoWire.Visitor<TfGraphCheck.Kind> {

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

    enum Kind { SAVED_MODEL, META_GRAPH, GRAPH, LIBRARY, FUNCTION, NODE }

    private final List<ScanFinding> findings = new ArrayList<>();
    private int nodes;
    private String name;
    private String op;

    /** Walks {@code saved_model.pb} (savedModel true) or a frozen GraphDef. */
    public static Result check(ByteSource src, boolean savedModel) throws IOException {
        TfGraphCheck c = new TfGraphCheck();
        try {
            new ProtoWire<>(src, c).walk(savedModel ? Kind.SAVED_MODEL : Kind.GRAPH);
        } catch (ProtoWire.WireError e) {
            return new Result(c.findings, "not a readable TensorFlow graph: " + e.getMessage(), c.nodes);
        }
        if (c.nodes == 0) {
            return new Result(c.findings, "no graph nodes found", 0);
        }
        return new Result(c.findings, null, c.nodes);
    }

    @Override
    public Kind child(Kind parent, int field) {
        return switch (parent) {
            case SAVED_MODEL -> field == 2 ? Kind.META_GRAPH : null;
            case META_GRAPH -> field == 2 ? Kind.GRAPH : null;
            case GRAPH -> field == 1 ? Kind.NODE : field == 2 ? Kind.LIBRARY : null;
            case LIBRARY -> field == 1 ? Kind.FUNCTION : null;
            case FUNCTION -> field == 3 ? Kind.NODE : null;
            case NODE -> null;
        };
    }

    @Override
    public void enter(Kind kind, long offset) {
        if (kind == Kind.NODE) {
            name = null;
            op = null;
        }
    }

    @Override
    public void bytes(Kind kind, int field, long from, long length, ProtoWire<Kind> wire) throws IOException {
        if (kind == Kind.NODE && field == 1) {
            name = wire.string(from, length, 1024);
        } else if (kind == Kind.NODE && field == 2) {
            op = wire.string(from, length, 1024);
        }
    }

    @Override
    public void exit(Kind kind, long offset) {
        if (kind == Kind.NODE) {
            nodes++;
            Rule r = op == null ? null : OPS.get(op);
            if (r != null) {
                findings.add(ScanFinding.of(r.severity(), offset, "node '" + name + "' uses op " + op + ": "
                        + r.reason()));
            }
        }
    }
}
