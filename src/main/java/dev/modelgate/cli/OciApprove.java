package dev.modelgate.cli;

import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.api.v1alpha1.TrustedModelSpec;
import dev.modelgate.integrity.Finding;
import dev.modelgate.integrity.FindingKind;
import dev.modelgate.integrity.Outcome;
import dev.modelgate.integrity.ScanCheck;
import dev.modelgate.oci.OciArtifacts;
import dev.modelgate.oci.OciException;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.scan.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code modelgate approve oci://REGISTRY/REPO@sha256:...}: a TrustedModel for an artifact in a registry. A tag
 * is resolved once and the digest written. Raw layers (ModelPack, Docker model, ORAS) are described from the
 * manifest without downloading them; tar layers are pulled and hashed file by file; the scanner gets what it
 * needs (safetensors headers and GGUF heads by Range request, other files whole).
 */
final class OciApprove {

    private OciApprove() {
    }

    static int run(ApproveCommand cmd, OciOptions options) throws IOException {
        PrintWriter err = cmd.spec.commandLine().getErr();
        if (cmd.urlPrefix != null) {
            throw new BadInputException("--url-prefix does not apply to oci:// references: the files come from the "
                    + "registry, pinned by the artifact's digest");
        }
        OciReference ref = OciOptions.reference(cmd.dir);
        RegistryClient client = options.client(ref, cmd.sourceFromFile(), err, "approve");
        ScanCheck scan = new ScanCheck(cmd.allowFindings ? ScanPolicy.WARN : ScanPolicy.ENFORCE);
        OciArtifacts.Result result;
        try {
            result = new OciArtifacts(client, OciArtifacts.Limits.DEFAULT).read(ref, OciArtifacts.Mode.DESCRIBE, scan);
        } catch (OciException e) {
            err.println("modelgate approve: " + e.getMessage());
            err.flush();
            return e.kind().exitCode();
        }
        if (ref.digest() == null) {
            err.println("modelgate approve: resolved tag " + ref.tag() + " to " + result.pinned().digest()
                    + "; the TrustedModel pins the digest");
        }
        boolean refused = false;
        for (Finding f : result.findings()) {
            boolean serious = f.kind().outcome() != Outcome.OK;
            refused |= serious;
            err.println("modelgate approve: " + (serious ? "" : "WARN ") + f.message());
        }
        if (refused) {
            boolean scanned = result.findings().stream().anyMatch(f -> f.kind() == FindingKind.SCAN_FINDING);
            err.println("modelgate approve: refusing to approve " + result.pinned().pinnedForm()
                    + " until the problems above are fixed"
                    + (scanned ? " (or, after review, approve the findings with --allow-findings)" : ""));
            err.flush();
            return Outcome.VERIFICATION_FAILED.exitCode();
        }
        if (result.files().size() > TrustedModelSpec.MAX_FILES) {
            throw new BadInputException(result.pinned().pinnedForm() + " holds " + result.files().size()
                    + " files, more than the " + TrustedModelSpec.MAX_FILES + " one TrustedModel may declare; "
                    + "split the artifact");
        }
        boolean serious = scan.reports().values().stream().anyMatch(r -> r.verdict() == Verdict.MALICIOUS);
        String yaml = "# Approved with `modelgate approve` from " + OciReference.SCHEME + ref + " (" + result.layout().kind()
                + ", " + result.files().size() + " files) on " + LocalDate.now(ZoneOffset.UTC) + "; blob bytes "
                + "downloaded: " + client.blobBytes() + "\n"
                + ResourceYaml.write(trustedModel(cmd, result, ApproveCommand.scanSummary(scan.reports().values()),
                        cmd.allowFindings && serious));
        err.flush();
        return cmd.emit(yaml);
    }

    static Map<String, Object> trustedModel(ApproveCommand cmd, OciArtifacts.Result result, String scanSummary,
            boolean findingsAllowed) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", cmd.name);
        if (cmd.namespace != null) {
            metadata.put("namespace", cmd.namespace);
        }
        metadata.put("annotations", Map.of(ApproveCommand.SCAN_SUMMARY, scanSummary));
        List<Map<String, Object>> files = new ArrayList<>();
        for (OciArtifacts.ArtifactFile f : result.files()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", f.path());
            m.put("sha256", f.sha256());
            m.put("size", f.size());
            files.add(m);
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("source", cmd.source);
        spec.put("oci", Map.of("reference", result.pinned().pinnedForm()));
        spec.put("files", files);
        if (findingsAllowed) {
            spec.put("scan", Map.of("policy", "warn"));
        }
        if (cmd.reviewInterval != null) {
            Map<String, Object> review = new LinkedHashMap<>();
            review.put("interval", cmd.reviewInterval);
            review.put("lastReviewed", LocalDate.now(ZoneOffset.UTC).toString());
            if (cmd.reviewer != null) {
                review.put("reviewer", cmd.reviewer);
            }
            spec.put("review", review);
        }
        Map<String, Object> tm = new LinkedHashMap<>();
        tm.put("apiVersion", "modelgate.dev/v1alpha1");
        tm.put("kind", "TrustedModel");
        tm.put("metadata", metadata);
        tm.put("spec", spec);
        return tm;
    }
}
