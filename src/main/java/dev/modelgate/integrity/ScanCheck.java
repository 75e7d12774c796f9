package dev.modelgate.integrity;

import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.scan.ModelScanner;
import dev.modelgate.scan.ScanExceptions;
import dev.modelgate.scan.ScanFinding;
import dev.modelgate.scan.ScanReport;
import dev.modelgate.scan.Severity;
import dev.modelgate.scan.StreamingScan;
import dev.modelgate.scan.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The model scanner as a {@link ContentCheck}: it scans each file from the bytes of the hashing pass
 * ({@link StreamingScan}) and turns what it finds into engine findings. Under {@code ENFORCE} a CRITICAL or HIGH
 * finding, or a file that could not be scanned at all, is a {@link FindingKind#SCAN_FINDING} and fails the file
 * even when its hash matches; under {@code WARN} the same findings are {@link FindingKind#SCAN_WARNING}s.
 * An archive the scanner recognises but cannot open (7z, gzip, xz, bzip2) is treated like a HIGH finding.
 * MEDIUM findings and files the scanner could not parse are warnings under both.
 */
public final class ScanCheck implements ContentCheck {

    private final Function<String, ScanPolicy> policyByPath;
    private final Function<String, ScanExceptions> exceptionsByPath;
    private final Map<ScanExceptions, ModelScanner> scanners = new java.util.concurrent.ConcurrentHashMap<>();
    private final ModelScanner scanner;
    private final Map<String, ScanReport> reports = new ConcurrentSkipListMap<>(Manifest.PATH_ORDER);
    private final AtomicLong kept = new AtomicLong();
    private final AtomicLong reread = new AtomicLong();

    public ScanCheck(ScanPolicy policy) {
        this(path -> policy);
    }

    /** A policy per relative path (each file takes its model's {@code spec.scan.policy}); null means enforce. */
    public ScanCheck(Function<String, ScanPolicy> policyByPath) {
        this(policyByPath, new ModelScanner());
    }

    public ScanCheck(Function<String, ScanPolicy> policyByPath, ModelScanner scanner) {
        this(policyByPath, path -> ScanExceptions.NONE, scanner);
    }

    /**
     * A policy and the reviewed exceptions per relative path: each file gets its own TrustedModel's
     * {@code spec.scan.allowGlobals}/{@code allowCode}, never another model's.
     */
    public ScanCheck(Function<String, ScanPolicy> policyByPath, Function<String, ScanExceptions> exceptionsByPath) {
        this(policyByPath, exceptionsByPath, new ModelScanner());
    }

    public ScanCheck(Function<String, ScanPolicy> policyByPath, Function<String, ScanExceptions> exceptionsByPath,
                     ModelScanner scanner) {
        this.policyByPath = policyByPath;
        this.exceptionsByPath = exceptionsByPath;
        this.scanner = scanner;
    }

    @Override
    public String name() {
        return "scan";
    }

    @Override
    public Session open(String path, long size) {
        return open(path, null, size);
    }

    @Override
    public Session open(String path, Path content, long size) {
        ScanPolicy policy = policyByPath.apply(path);
        ScanPolicy p = policy == null ? ScanPolicy.ENFORCE : policy;
        if (p == ScanPolicy.OFF) {
            return null;
        }
        ScanExceptions ex = exceptionsByPath.apply(path);
        ModelScanner s = ex == null || ex.isNone() ? scanner : scanners.computeIfAbsent(ex, scanner::withExceptions);
        StreamingScan scan = new StreamingScan(s, path, content, size);
        return new Session() {
            @Override
            public void update(byte[] buffer, int offset, int length) {
                scan.update(buffer, offset, length);
            }

            @Override
            public List<Finding> finish(String sha256) {
                StreamingScan.Result r = scan.finish();
                reports.put(path, r.report());
                kept.addAndGet(r.bytesKept());
                reread.addAndGet(r.bytesReread());
                return findings(path, r, p);
            }
        };
    }

    /**
     * Scans a file from a source the caller assembled (a safetensors header or GGUF head read by Range from a
     * registry, the rest of the file absent) and judges it under the same policy as a streamed file. A read
     * beyond what the source holds makes the scan a failure, which the policy treats as any unscannable file.
     */
    public List<Finding> scanPartial(String path, dev.modelgate.scan.ByteSource src) {
        ScanPolicy policy = policyByPath.apply(path);
        ScanPolicy p = policy == null ? ScanPolicy.ENFORCE : policy;
        if (p == ScanPolicy.OFF) {
            return List.of();
        }
        StreamingScan.Result r;
        try {
            r = new StreamingScan.Result(scanner.scan(path, src), 0, 0, null);
        } catch (java.io.IOException | RuntimeException e) {
            r = new StreamingScan.Result(null, 0, 0, e.getMessage());
        }
        if (r.report() != null) {
            reports.put(path, r.report());
        }
        return findings(path, r, p);
    }

    /** True when {@code path}'s policy is {@code off}: nothing of it needs reading. */
    public boolean off(String path) {
        return policyByPath.apply(path) == ScanPolicy.OFF;
    }

    /** Every file scanned so far, by relative path. */
    public Map<String, ScanReport> reports() {
        return Map.copyOf(reports);
    }

    /** Bytes copied from the hashing pass for the scanner, over all files. */
    public long bytesKept() {
        return kept.get();
    }

    /** Bytes read a second time because the pass did not keep them (0 for ordinary models). */
    public long bytesReread() {
        return reread.get();
    }

    static List<Finding> findings(String path, StreamingScan.Result r, ScanPolicy policy) {
        FindingKind serious = policy == ScanPolicy.ENFORCE ? FindingKind.SCAN_FINDING : FindingKind.SCAN_WARNING;
        List<Finding> out = new ArrayList<>();
        if (r.failure() != null) {
            out.add(new Finding(serious, path, path + ": could not be scanned (" + r.failure() + "); a file that "
                    + "cannot be judged is refused: make it readable and verify again", null, "unscanned"));
            return out;
        }
        if (UNSCANNED_ARCHIVES.contains(r.report().format())) {
            // an archive the scanner cannot open is not known to be safe: it is refused, not passed
            out.add(new Finding(serious, path, path + ": is a " + r.report().format() + " archive, which this version "
                    + "cannot look inside; unpack it and approve the files it holds instead", null, "unscanned"));
            return out;
        }
        List<Located> all = new ArrayList<>();
        collect(r.report(), all);
        all.sort((a, b) -> a.finding.severity().compareTo(b.finding.severity()));
        for (Located l : all) {
            if (l.finding.severity().atLeast(Severity.HIGH)) {
                out.add(new Finding(serious, path, path + ": the scan found " + describe(path, l)
                        + "; loading this file can run code: remove it or replace it with a safetensors export",
                        null, l.finding.severity().name()));
            }
        }
        if (out.isEmpty() && r.report().verdict() == Verdict.SUSPICIOUS) {
            out.add(new Finding(FindingKind.SCAN_WARNING, path, path + ": the scan found " + describe(path, all.get(0))
                    + "; check where the file comes from", null, Severity.MEDIUM.name()));
        } else if (out.isEmpty() && r.report().verdict() == Verdict.INVALID) {
            out.add(new Finding(FindingKind.SCAN_WARNING, path, path + ": the scanner could not parse it as "
                    + r.report().format() + " (" + firstError(r.report()) + "); its loader will likely refuse it too",
                    null, Verdict.INVALID.label()));
        }
        return out;
    }

    /** Formats the scanner recognises but does not open (see ModelScanner: 7z, gzip, xz/bzip2 streams). */
    static final java.util.Set<String> UNSCANNED_ARCHIVES = java.util.Set.of("7z", "gzip", "compressed");

    private record Located(String unit, ScanFinding finding) {
    }

    private static void collect(ScanReport unit, List<Located> into) {
        for (ScanFinding f : unit.findings()) {
            into.add(new Located(unit.name(), f));
        }
        for (ScanReport m : unit.members()) {
            collect(m, into);
        }
    }

    private static String firstError(ScanReport unit) {
        if (unit.error() != null) {
            return unit.error();
        }
        for (ScanReport m : unit.members()) {
            String e = firstError(m);
            if (e != null) {
                return e;
            }
        }
        return "unknown error";
    }

    /** "CRITICAL os.system in member archive/data.pkl (reason)". */
    private static String describe(String path, Located l) {
        ScanFinding f = l.finding;
        String where = l.unit.equals(path) ? "" : " in member " + l.unit.substring(Math.min(l.unit.length(),
                path.length() + 1));
        return f.severity() + (f.global() == null ? "" : " " + f.global()) + where + " (" + f.reason() + ")";
    }
}
