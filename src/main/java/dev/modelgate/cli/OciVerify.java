package dev.modelgate.cli;

import dev.modelgate.api.v1alpha1.ModelFile;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.SignatureSpec;
import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.integrity.Finding;
import dev.modelgate.integrity.Manifest;
import dev.modelgate.integrity.ManifestEntry;
import dev.modelgate.integrity.Outcome;
import dev.modelgate.integrity.ScanCheck;
import dev.modelgate.oci.OciArtifacts;
import dev.modelgate.oci.OciException;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oci.OciSignatures;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.policy.ModelManifests;
import dev.modelgate.policy.OciTrust;
import dev.modelgate.signing.OmsException;
import dev.modelgate.signing.SignaturePolicy;
import dev.modelgate.signing.SignatureVerification;
import java.time.Clock;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code modelgate verify oci://REGISTRY/REPO@sha256:... --model tm.yaml}: downloads every blob of the artifact,
 * checks the manifest against its digest and every blob against its layer digest while it streams, then every
 * file against the TrustedModels (path, size, sha256; strict: no file more), and scans them. CI runs it to prove a
 * registry copy before (or after) it is approved.
 */
final class OciVerify {

    private OciVerify() {
    }

    static int run(VerifyCommand cmd, OciOptions options) {
        if (cmd.models.isEmpty()) {
            throw new BadInputException("verify oci://... needs --model: the TrustedModel(s) the artifact must match");
        }
        if (!cmd.keys.isEmpty() || !cmd.certRoots.isEmpty() || cmd.issuer != null) {
            throw new BadInputException("--key, --cert-root and --issuer check a folder's bundle; for an oci:// "
                    + "artifact give the ModelSource with --source, whose signing policy the artifact's bundle must meet");
        }
        OciReference ref = OciOptions.reference(cmd.dir);
        if (ref.digest() == null || ref.tag() != null) {
            throw new BadInputException(ref + ": verify needs the artifact pinned by digest alone "
                    + "(oci://registry/repository@sha256:...), as the TrustedModel holds it; a tag moves");
        }
        List<TrustedModel> declared = TrustedModelFiles.read(cmd.models);
        // --source may be given several times; the models' own source is the one whose signing policy applies.
        ModelSource source = null;
        if (!cmd.sources.isEmpty()) {
            java.util.Map<String, ModelSource> byName = ModelSourceFiles.read(cmd.sources, declared);
            java.util.Set<String> named = new java.util.TreeSet<>();
            declared.forEach(tm -> named.add(tm.getSpec().getSource()));
            if (named.size() != 1 || !byName.containsKey(named.iterator().next())) {
                throw new BadInputException("verify oci://... checks the artifact's bundle against one ModelSource: "
                        + "the models name " + named + " and --source gives " + byName.keySet());
            }
            source = byName.get(named.iterator().next());
        }
        List<String> names = declared.stream().map(ModelManifests::name).toList();
        PrintWriter out = cmd.spec.commandLine().getOut();
        PrintWriter err = cmd.spec.commandLine().getErr();
        List<String> failures = new ArrayList<>();
        for (TrustedModel tm : declared) {
            if (tm.getSpec().getRevoked() != null) {
                failures.add(ModelManifests.name(tm) + " is revoked; its files may not be used");
            }
            if (tm.getSpec().getOci() != null && !ref.pinnedForm().equals(tm.getSpec().getOci().getReference())) {
                failures.add(ModelManifests.name(tm) + " approves the artifact " + tm.getSpec().getOci().getReference()
                        + ", not " + ref.pinnedForm());
            }
            if (source != null) {
                OciTrust.problem(tm, source).ifPresent(failures::add);
            }
        }
        if (!failures.isEmpty()) {
            return report(cmd, out, err, ref, names, failures, List.of(), Outcome.VERIFICATION_FAILED.exitCode(), 0);
        }
        Manifest manifest;
        try {
            manifest = ModelManifests.manifest(declared);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        RegistryClient client = options.client(ref, source, err, "verify");
        OciArtifacts.Result result;
        try {
            result = new OciArtifacts(client, OciArtifacts.Limits.DEFAULT)
                    .read(ref, OciArtifacts.Mode.PULL_ALL, new ScanCheck(scanPolicies(cmd, declared)));
        } catch (OciException e) {
            return report(cmd, out, err, ref, names, List.of(e.getMessage()), List.of(), e.kind().exitCode(),
                    client.blobBytes());
        }
        Map<String, OciArtifacts.ArtifactFile> byPath = new HashMap<>();
        for (OciArtifacts.ArtifactFile f : result.files()) {
            byPath.put(f.path(), f);
        }
        List<String> warnings = new ArrayList<>();
        for (ManifestEntry e : manifest.entries()) {
            OciArtifacts.ArtifactFile f = byPath.remove(e.path());
            if (f == null) {
                failures.add(e.path() + ": declared but not in the artifact");
            } else if (f.size() != e.size()) {
                failures.add(e.path() + ": is " + f.size() + " bytes in the artifact, expected " + e.size());
            } else if (!f.sha256().equals(e.sha256())) {
                failures.add(e.path() + ": sha256 in the artifact is " + f.sha256() + ", expected " + e.sha256());
            }
        }
        for (String extra : byPath.keySet().stream().sorted(Manifest.PATH_ORDER).toList()) {
            (cmd.lenient ? warnings : failures).add(extra + ": is in the artifact but no declared model names it");
        }
        for (Finding f : result.findings()) {
            (f.kind().outcome() == Outcome.OK ? warnings : failures).add(f.message());
        }
        if (source != null && failures.isEmpty()) {
            failures.addAll(signatures(client, result, declared, manifest, source, warnings));
        }
        int code = failures.isEmpty() ? 0 : Outcome.VERIFICATION_FAILED.exitCode();
        return report(cmd, out, err, result.pinned(), names, failures, warnings, code, client.blobBytes());
    }

    /** Each model's signature bundle, from the artifact's layers, against the source's signing policy. */
    private static List<String> signatures(RegistryClient client, OciArtifacts.Result result,
            List<TrustedModel> declared, Manifest manifest, ModelSource source, List<String> warnings) {
        List<String> out = new ArrayList<>();
        SignaturePolicy policy;
        try {
            policy = SignaturePolicy.fromSource(source.getSpec(), Clock.systemUTC());
        } catch (OmsException e) {
            throw new BadInputException("ModelSource " + source.getMetadata().getName() + ": " + e.getMessage());
        }
        for (TrustedModel tm : declared) {
            if (!source.getMetadata().getName().equals(tm.getSpec().getSource())) {
                throw new BadInputException(ModelManifests.name(tm) + " names source '" + tm.getSpec().getSource()
                        + "', but --source gives '" + source.getMetadata().getName() + "'");
            }
            String bundle = tm.getSpec().getSignature() == null || tm.getSpec().getSignature().getBundlePath() == null
                    ? SignatureSpec.DEFAULT_BUNDLE_PATH : tm.getSpec().getSignature().getBundlePath();
            if (tm.getSpec().getSignature() == null && !policy.required()) {
                warnings.add(ModelManifests.name(tm) + ": not signed; the source does not require a signature");
                continue;
            }
            try {
                SignatureVerification v = OciSignatures.verify(client, result, bundle, policy, manifest);
                if (!v.ok()) {
                    out.add(ModelManifests.name(tm) + ": signature " + bundle + ": " + v.message());
                }
            } catch (OciException e) {
                out.add(ModelManifests.name(tm) + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static java.util.function.Function<String, ScanPolicy> scanPolicies(VerifyCommand cmd,
            List<TrustedModel> declared) {
        if (cmd.scan != null) {
            return path -> cmd.scan;
        }
        Map<String, ScanPolicy> byPath = new HashMap<>();
        for (TrustedModel tm : declared) {
            ScanPolicy p = tm.getSpec().getScan() == null ? null : tm.getSpec().getScan().getPolicy();
            if (p != null) {
                for (ModelFile f : tm.getSpec().getFiles()) {
                    byPath.put(f.getPath(), p);
                }
            }
        }
        return byPath::get;
    }

    private static int report(VerifyCommand cmd, PrintWriter out, PrintWriter err, OciReference ref, List<String> names,
            List<String> failures, List<String> warnings, int code, long bytes) {
        String artifact = OciReference.SCHEME + ref;
        if (cmd.json) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("event", "summary");
            s.put("result", code == 0 ? "ok" : "failed");
            s.put("exitCode", code);
            s.put("models", names);
            s.put("artifact", artifact);
            s.put("bytes", bytes);
            s.put("failures", failures);
            s.put("warnings", warnings);
            if (!failures.isEmpty()) {
                s.put("reason", failures.get(0));
            }
            out.println(Json.line(s));
            out.flush();
            return code;
        }
        for (String w : warnings) {
            err.println("WARN " + w);
        }
        if (code == 0) {
            out.printf("verified %s: every file matches %s (%d blob bytes downloaded and checked)%n", artifact,
                    String.join(", ", names), bytes);
            out.flush();
        } else {
            for (String f : failures) {
                err.println("FAIL " + f);
            }
            err.printf("modelgate verify: %s does not match %s (exit %d)%n", artifact, String.join(", ", names), code);
        }
        err.flush();
        return code;
    }
}
