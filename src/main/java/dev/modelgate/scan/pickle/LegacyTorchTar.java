package dev.modelgate.scan.pickle;

import dev.modelgate.scan.ByteSource;
import dev.modelgate.scan.ScanFinding;
import dev.modelgate.scan.ScanLimits;
import dev.modelgate.scan.Severity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code storages} and {@code tensors} members of a torch &lt; 0.4 tar checkpoint interleave pickles (all
 * unpickled by {@code torch.load}) with raw data. This follows that layout so every pickle is walked and the
 * raw data is skipped: after a pickle naming a storage type come an int64 element count and the elements;
 * after a pickle naming a tensor type come ndim (int32), 4 bytes, ndim sizes, ndim strides and an offset.
 */
public final class LegacyTorchTar {

    private static final Map<String, Integer> ELEMENT_SIZE = Map.ofEntries(
            Map.entry("DoubleStorage", 8), Map.entry("FloatStorage", 4), Map.entry("HalfStorage", 2),
            Map.entry("BFloat16Storage", 2), Map.entry("LongStorage", 8), Map.entry("IntStorage", 4),
            Map.entry("ShortStorage", 2), Map.entry("CharStorage", 1), Map.entry("ByteStorage", 1),
            Map.entry("BoolStorage", 1), Map.entry("ComplexFloatStorage", 8), Map.entry("ComplexDoubleStorage", 16),
            Map.entry("QUInt8Storage", 1), Map.entry("QInt8Storage", 1), Map.entry("QInt32Storage", 4),
            Map.entry("QUInt4x2Storage", 1), Map.entry("QUInt2x4Storage", 1));

    private LegacyTorchTar() {
    }

    public static PickleStream.Result scan(ByteSource src, boolean storages, PickleRules rules, ScanLimits limits,
                                           PickleWalker.Budget budget) throws IOException {
        List<ScanFinding> findings = new ArrayList<>();
        long pos = 0;
        int count = 0;
        int protocol = 0;
        while (pos < src.size()) {
            PickleWalker.Result r = new PickleWalker(rules, limits, budget, 0).walk(src, pos);
            findings.addAll(r.findings());
            protocol = Math.max(protocol, r.protocol());
            if (!r.complete()) {
                return new PickleStream.Result(findings, "pickle " + (count + 1) + ": " + r.error(), count, true,
                        protocol, java.util.Set.of());
            }
            count++;
            pos = r.end();
            String type = null;
            for (String g : r.globals()) {
                String last = g.substring(g.lastIndexOf('.') + 1);
                if (storages ? last.endsWith("Storage") : last.endsWith("Tensor")) {
                    type = last;
                }
            }
            if (type == null) {
                continue; // the count, or the storage views: the next pickle follows directly
            }
            if (storages) {
                Integer size = ELEMENT_SIZE.get(type);
                byte[] n = src.readAt(pos, 8);
                long elements = n.length == 8 ? le(n, 0, 8) : -1;
                if (size == null || elements < 0 || elements > (src.size() - pos) / size) {
                    findings.add(ScanFinding.of(Severity.MEDIUM, pos, "cannot follow the raw data of " + type
                            + "; the rest of the member was not examined"));
                    return new PickleStream.Result(findings, null, count, true, protocol, java.util.Set.of());
                }
                pos += 8 + elements * size;
            } else {
                byte[] n = src.readAt(pos, 4);
                long ndim = n.length == 4 ? le(n, 0, 4) : -1;
                if (ndim < 0 || ndim > 64) {
                    findings.add(ScanFinding.of(Severity.MEDIUM, pos, "cannot follow the tensor record of " + type
                            + "; the rest of the member was not examined"));
                    return new PickleStream.Result(findings, null, count, true, protocol, java.util.Set.of());
                }
                pos += 8 + 16 * ndim + 8;
            }
        }
        if (pos > src.size()) {
            return new PickleStream.Result(findings, "member ends inside raw data", count, true, protocol, java.util.Set.of());
        }
        return new PickleStream.Result(findings, null, count, true, protocol, java.util.Set.of());
    }

    private static long le(byte[] b, int off, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xff);
        }
        return n == 4 ? (int) v : v;
    }
}
