package dev.modelgate.integrity;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything one engine run found, as data for JSON output and for later callers (verifier, webhook
 * feedback). {@link #manifest()} is what the directory holds (the files that could be hashed).
 * {@link #warnings()} are reported but do not fail the run (scan findings under policy warn, MEDIUM ones).
 */
public record IntegrityReport(
        String root,
        List<FileResult> files,
        List<Finding> findings,
        Manifest manifest,
        long bytesHashed,
        long millis,
        List<Finding> warnings) {

    public IntegrityReport {
        files = List.copyOf(files);
        findings = List.copyOf(findings);
        warnings = List.copyOf(warnings);
    }

    public IntegrityReport(String root, List<FileResult> files, List<Finding> findings, Manifest manifest,
                           long bytesHashed, long millis) {
        this(root, files, findings, manifest, bytesHashed, millis, List.of());
    }

    public Outcome outcome() {
        Outcome o = Outcome.OK;
        for (Finding f : findings) {
            o = o.and(f.outcome());
        }
        return o;
    }

    public boolean ok() {
        return findings.isEmpty();
    }

    public int exitCode() {
        return outcome().exitCode();
    }

    public List<Finding> findings(FindingKind kind) {
        List<Finding> out = new ArrayList<>();
        for (Finding f : findings) {
            if (f.kind() == kind) {
                out.add(f);
            }
        }
        return out;
    }
}
