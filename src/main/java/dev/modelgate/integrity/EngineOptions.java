package dev.modelgate.integrity;

import dev.modelgate.api.v1alpha1.ScanPolicy;
import java.util.List;

/**
 * How the engine judges a directory.
 *
 * @param strict        a file that no declared model names is a failure (the default: ComfyUI and Fooocus
 *                      load whatever lies in their folders)
 * @param ignore        files strict mode does not count
 * @param threads       files hashed at once; defaults to the number of processors
 * @param bufferSize    read buffer per thread
 * @param checks        content checks run on the same read pass as the hash
 * @param scan          the model scanner on the same pass: {@code ENFORCE} fails a file with a CRITICAL or HIGH
 *                      finding, {@code WARN} reports it, {@code OFF} (the default here; {@code modelgate verify}
 *                      and the verifier turn it on) does not scan
 */
public record EngineOptions(boolean strict, IgnoreRules ignore, int threads, int bufferSize, List<ContentCheck> checks,
                            ScanPolicy scan) {

    public EngineOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        checks = List.copyOf(checks);
        scan = scan == null ? ScanPolicy.OFF : scan;
    }

    public EngineOptions(boolean strict, IgnoreRules ignore, int threads, int bufferSize, List<ContentCheck> checks) {
        this(strict, ignore, threads, bufferSize, checks, ScanPolicy.OFF);
    }

    public static EngineOptions defaults() {
        return new EngineOptions(true, IgnoreRules.NONE, Runtime.getRuntime().availableProcessors(),
                FileHasher.DEFAULT_BUFFER, List.of(), ScanPolicy.OFF);
    }

    public EngineOptions withStrict(boolean value) {
        return new EngineOptions(value, ignore, threads, bufferSize, checks, scan);
    }

    public EngineOptions withIgnore(IgnoreRules value) {
        return new EngineOptions(strict, value, threads, bufferSize, checks, scan);
    }

    public EngineOptions withThreads(int value) {
        return new EngineOptions(strict, ignore, value, bufferSize, checks, scan);
    }

    public EngineOptions withBufferSize(int value) {
        return new EngineOptions(strict, ignore, threads, value, checks, scan);
    }

    public EngineOptions withChecks(List<ContentCheck> value) {
        return new EngineOptions(strict, ignore, threads, bufferSize, value, scan);
    }

    /** Scans every file on the hashing pass with this policy (one switch for the CLI and the verifier). */
    public EngineOptions withScan(ScanPolicy value) {
        return new EngineOptions(strict, ignore, threads, bufferSize, checks, value);
    }

    /** The checks the engine runs: {@link #checks()} plus the scanner when {@link #scan()} is not OFF. */
    List<ContentCheck> effectiveChecks() {
        if (scan == ScanPolicy.OFF) {
            return checks;
        }
        List<ContentCheck> all = new java.util.ArrayList<>(checks);
        all.add(new ScanCheck(scan));
        return all;
    }
}
