package dev.modelgate.verifier;

import dev.modelgate.scan.ModelScanner;
import dev.modelgate.scan.ScanFinding;
import dev.modelgate.scan.ScanReport;
import dev.modelgate.scan.Verdict;
import java.nio.file.Path;

/**
 * The static scan of one verified file, for {@code verify-pod}.
 *
 * <p>Seam: today this calls {@link ModelScanner#scanFile} after the hash, a second (partial) read of the file;
 * the scanner reads headers and pickle streams, not stored tensor data. Once the scanner runs as an
 * {@code integrity.ContentCheck} on the hashing pass, {@link PodVerifier} passes it in {@code EngineOptions}
 * and this class goes away.
 */
public final class ContentScan {

    /** The verdict and, when there is one, the worst finding as a sentence. */
    public record Result(Verdict verdict, String summary) {
    }

    private final ModelScanner scanner;

    public ContentScan(ModelScanner scanner) {
        this.scanner = scanner;
    }

    public ContentScan() {
        this(new ModelScanner());
    }

    public Result scan(Path file) {
        ScanReport r = scanner.scanFile(file);
        return new Result(r.verdict(), describe(r));
    }

    private static String describe(ScanReport r) {
        ScanFinding worst = worst(r);
        if (worst != null) {
            return worst.severity() + " " + worst.reason();
        }
        String error = firstError(r);
        return error == null ? null : "could not be parsed as " + r.format() + ": " + error;
    }

    private static ScanFinding worst(ScanReport r) {
        ScanFinding w = null;
        for (ScanFinding f : r.findings()) {
            if (w == null || f.severity().compareTo(w.severity()) < 0) {
                w = f;
            }
        }
        for (ScanReport m : r.members()) {
            ScanFinding f = worst(m);
            if (f != null && (w == null || f.severity().compareTo(w.severity()) < 0)) {
                w = f;
            }
        }
        return w;
    }

    private static String firstError(ScanReport r) {
        if (r.error() != null) {
            return r.error();
        }
        for (ScanReport m : r.members()) {
            String e = firstError(m);
            if (e != null) {
                return m.name() + ": " + e;
            }
        }
        return null;
    }
}
