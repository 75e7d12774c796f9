package dev.modelgate.scan.pickle;

import dev.modelgate.scan.ByteSource;
import dev.modelgate.scan.ScanFinding;
import dev.modelgate.scan.ScanLimits;
import dev.modelgate.scan.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream of pickles as loaders read them: one after another until the data ends. A legacy
 * {@code torch.save} file (its first pickle is torch's magic number) is exactly five pickles followed by raw
 * storage bytes that are never unpickled, so only those five are walked.
 */
public final class PickleStream {

    /** The outcome: the findings, the error that makes the unit invalid (or null), and what was seen. */
    public record Result(List<ScanFinding> findings, String error, int pickles, boolean torchLegacy, int protocol,
                         boolean knownDanger) {
        Result(List<ScanFinding> findings, String error, int pickles, boolean torchLegacy, int protocol,
               java.util.Set<ScanFinding> allowlistOnly) {
            this(findings, error, pickles, torchLegacy, protocol, findings.stream()
                    .anyMatch(f -> f.severity().atLeast(Severity.HIGH) && !allowlistOnly.contains(f)));
        }
    }

    private PickleStream() {
    }

    public static Result scan(ByteSource src, PickleRules rules, ScanLimits limits, PickleWalker.Budget budget) {
        List<ScanFinding> findings = new ArrayList<>();
        java.util.Set<ScanFinding> only = new java.util.HashSet<>();
        long pos = 0;
        int count = 0;
        int protocol = 0;
        boolean legacy = false;
        while (pos < src.size()) {
            PickleWalker.Result r = new PickleWalker(rules, limits, budget, 0).walk(src, pos);
            protocol = Math.max(protocol, r.protocol());
            only.addAll(r.allowlistOnly());
            if (count == 0) {
                findings.addAll(r.findings());
                if (!r.complete()) {
                    // knownDanger tells callers that guess whether bytes are a pickle what the walk proved
                    return new Result(findings, r.error(), 0, false, protocol, only);
                }
                legacy = r.torchMagic();
            } else if (r.complete()) {
                findings.addAll(r.findings());
            } else if (legacy && count < 5) {
                findings.addAll(r.findings());
                return new Result(findings, "legacy torch.save pickle " + (count + 1) + " of 5: " + r.error(),
                        count, true, protocol, only);
            } else {
                // Trailing bytes that are not a whole pickle. A loader that keeps calling pickle.load would run
                // the opcodes before the break, so dangerous imports seen there still count; the rest is noise.
                for (ScanFinding f : r.findings()) {
                    if (f.severity().atLeast(Severity.HIGH) && !r.allowlistOnly().contains(f)) {
                        findings.add(new ScanFinding(f.severity(), f.module(), f.name(), f.offset(),
                                "in trailing bytes after pickle " + count + ": " + f.reason()));
                    }
                }
                findings.add(ScanFinding.of(Severity.LOW, pos, (src.size() - pos)
                        + " trailing bytes after pickle " + count + " are not a complete pickle (" + r.error() + ")"));
                return new Result(findings, null, count, legacy, protocol, only);
            }
            if (r.error() != null) { // a scan limit: the HIGH finding is in the list already
                return new Result(findings, r.error(), count + 1, legacy, protocol, only);
            }
            count++;
            pos = r.end();
            if (legacy && count == 5) {
                break;
            }
        }
        if (legacy && count < 5) {
            return new Result(findings, "legacy torch.save stream ends after " + count + " of 5 pickles", count,
                    true, protocol, only);
        }
        return new Result(findings, null, count, legacy, protocol, only);
    }
}
