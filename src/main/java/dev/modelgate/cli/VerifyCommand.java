package dev.modelgate.cli;

import dev.modelgate.api.v1alpha1.ModelFile;
import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.api.v1alpha1.SignatureSpec;
import dev.modelgate.integrity.IgnoreRules;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.integrity.EngineOptions;
import dev.modelgate.integrity.FileResult;
import dev.modelgate.integrity.Finding;
import dev.modelgate.integrity.IntegrityEngine;
import dev.modelgate.integrity.IntegrityReport;
import dev.modelgate.integrity.Manifest;
import dev.modelgate.integrity.Outcome;
import dev.modelgate.integrity.ScanCheck;
import dev.modelgate.scan.ScanExceptions;
import dev.modelgate.policy.ModelManifests;
import dev.modelgate.policy.PlanBuilder;
import dev.modelgate.policy.PolicySettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code modelgate verify DIR --model tm.yaml}: proves a directory holds exactly the approved files. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a model directory against one or more TrustedModel YAML files: every declared file "
                + "present with its size and sha256, and (strict mode, the default) nothing else; every file is also "
                + "scanned on the same read pass (a CRITICAL or HIGH finding fails under scan policy enforce); with "
                + "--source, each model's signature must also meet that ModelSource's signing policy. With --key, "
                + "--cert-root or --issuer: check DIR against its OpenSSF Model Signing bundle instead (exit 0 valid, "
                + "1 invalid, 2 bad input).")
final class VerifyCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "The model directory (the volume root); or an artifact "
            + "oci://REGISTRY/REPO@sha256:..., whose blobs are downloaded and checked.")
    Path dir;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE",
            description = "TrustedModel YAML (repeatable; a file may hold several documents).")
    List<Path> models = new ArrayList<>();

    @Option(names = "--key", paramLabel = "PUB.pem",
            description = "Check DIR's OpenSSF Model Signing bundle with this ECDSA public key instead of "
                    + "TrustedModels (repeatable: any of the keys may have signed).")
    List<Path> keys = new ArrayList<>();

    @Option(names = "--cert-root", paramLabel = "CA.pem",
            description = "Check DIR's bundle as a certificate-chain signature anchored at these PEM roots (repeatable).")
    List<Path> certRoots = new ArrayList<>();

    @Option(names = "--identity", paramLabel = "ID",
            description = "With --cert-root: an allowed signer, a subject DN (has '=') or a SAN; with --issuer: the "
                    + "keyless SAN (e-mail or URI). Repeatable; any may match.")
    List<String> identities = new ArrayList<>();

    @Option(names = "--issuer", paramLabel = "URL",
            description = "Check DIR's bundle as a Sigstore keyless signature whose certificate names this OIDC issuer.")
    String issuer;

    @Option(names = "--trusted-root", paramLabel = "FILE",
            description = "With --issuer: a Sigstore trusted_root.json (default: the one shipped with ModelGate).")
    Path trustedRoot;

    @Option(names = "--source", paramLabel = "FILE",
            description = "With --model: ModelSource YAML (repeatable; a file may hold several documents): each model "
                    + "is judged as the operator would under the source it names, and its signature must meet that "
                    + "source's spec.signing policy.")
    List<Path> sources = new ArrayList<>();

    @Option(names = "--legacy-v0.2",
            description = "Accept model_signing v0.2 bundles (their malformed signing encoding); refused otherwise.")
    boolean legacyV02;

    @Option(names = "--signature", paramLabel = "PATH", description = "With --key: the bundle (default DIR/model.sig).")
    Path signature;

    @Option(names = "--ignore-paths", paramLabel = "PATH", split = ",",
            description = "With --key: paths below DIR left out of the check, as model_signing's option.")
    List<String> ignorePaths = new ArrayList<>();

    @Option(names = "--no-strict", negatable = false,
            description = "Allow files that no declared model names (default: strict, they fail).")
    boolean lenient;

    @Option(names = "--json", description = "One JSON line per file and a summary line, instead of text.")
    boolean json;

    @Option(names = {"--values", "-f"}, paramLabel = "FILE",
            description = "With --model: the Helm values the cluster's ModelGate was installed with; its "
                    + "verifier.strict and verifier.ignore apply, as on the cluster's model volume (default: the "
                    + "chart's defaults).")
    Path values;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Instead of --values: a properties file with the operator's modelgate.* keys.")
    Path config;

    @Option(names = "--scan", paramLabel = "POLICY",
            description = "Scan policy for every file: enforce (a CRITICAL or HIGH finding fails), warn (reported "
                    + "only) or off. Default: each TrustedModel's spec.scan.policy, enforce when unset.")
    ScanPolicy scan;

    @Mixin
    EngineOptionsMixin engine;

    @Mixin
    OciOptions oci;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (OciOptions.isOci(dir)) {
            return OciVerify.run(this, oci);
        }
        VerifySignature.Trust trust = new VerifySignature.Trust(keys, certRoots, identities, issuer, trustedRoot,
                legacyV02);
        if (trust.any()) {
            if (!models.isEmpty() || lenient || !sources.isEmpty() || values != null || config != null) {
                throw new BadInputException("--key, --cert-root and --issuer check a signature: they do not combine "
                        + "with --model, --source, --no-strict, --values or --config");
            }
            return VerifySignature.run(spec.commandLine(), dir, trust, signature, ignorePaths, engine.toOptions(), json);
        }
        if (!identities.isEmpty()) {
            throw new BadInputException("--identity goes with --cert-root (certificate chains) or --issuer (keyless)");
        }
        if (models.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Missing required option: '--model=FILE' (or --key=PUB.pem to check a signature)");
        }
        if (signature != null || !ignorePaths.isEmpty()) {
            throw new BadInputException("--signature and --ignore-paths go with --key");
        }
        if (sources.isEmpty() && legacyV02) {
            throw new BadInputException("--legacy-v0.2 goes with a signature check (--key, --cert-root, --issuer or "
                    + "--source)");
        }
        List<TrustedModel> declared = TrustedModelFiles.read(models);
        List<String> names = declared.stream().map(ModelManifests::name).toList();
        for (TrustedModel tm : declared) {
            if (tm.getSpec().getRevoked() != null) {
                String reason = tm.getSpec().getRevoked().getReason();
                return refuseRevoked(ModelManifests.name(tm) + " is revoked"
                        + (reason == null || reason.isBlank() ? "" : " (" + reason + ")")
                        + "; its files may not be used", names);
            }
        }
        Manifest manifest;
        try {
            manifest = ModelManifests.manifest(declared);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        ScanCheck scanCheck = new ScanCheck(scanPolicies(declared), scanExceptions(declared));
        printExceptions(declared);
        // Exactly what the cluster's verifier leaves alone on the model volume (the plan's Hugging Face metadata
        // globs, the installation's verifier.ignore, the models' own bundles), so a folder that passes here passes
        // there; --ignore adds to it. approve and sign pin a narrower set (no .git*, no .cache/huggingface/), and
        // what they leave out but the cluster would not ignore is reported here as the cluster would report it.
        PolicySettings cluster = clusterSettings();
        List<String> globs = new ArrayList<>(PlanBuilder.HUB_METADATA_IGNORE);
        globs.addAll(cluster.ignoreGlobs());
        for (TrustedModel tm : declared) {
            String bundle = tm.getSpec().getSignature() == null ? SignatureSpec.DEFAULT_BUNDLE_PATH
                    : tm.getSpec().getSignature().bundlePathOrDefault();
            globs.add("/" + VerifyPolicy.escapeGlob(bundle));
        }
        globs.addAll(engine.ignore);
        EngineOptions checked = engine.toOptions().withIgnore(new IgnoreRules(globs))
                .withStrict(cluster.strict() && !lenient).withChecks(List.of(scanCheck));
        if (!sources.isEmpty()) {
            return VerifyPolicy.run(spec.commandLine(), dir, declared, manifest, ModelSourceFiles.read(sources, declared),
                    checked, scanCheck, legacyV02, json);
        }
        IntegrityReport report = new IntegrityEngine(checked).verify(dir, manifest);
        if (json) {
            printJson(report, manifest, names, scanCheck);
        } else {
            printText(report, manifest, names);
        }
        return report.exitCode();
    }

    /** The installation's settings (--values or --config over the chart's defaults), for the volume check. */
    private PolicySettings clusterSettings() {
        return ClusterSettings.of(values, config, ClusterSettings.DEFAULT_RELEASE_NAMESPACE);
    }

    /** The scan policy of each declared path: --scan, else its model's spec.scan.policy (null = enforce). */
    private java.util.function.Function<String, ScanPolicy> scanPolicies(List<TrustedModel> declared) {
        if (scan != null) {
            return path -> scan;
        }
        Map<String, ScanPolicy> byPath = new HashMap<>();
        for (TrustedModel tm : declared) {
            ScanPolicy p = tm.getSpec().getScan() == null ? null : tm.getSpec().getScan().getPolicy();
            for (ModelFile f : tm.getSpec().getFiles()) {
                if (p != null) {
                    byPath.put(f.getPath(), p);
                }
            }
        }
        return byPath::get;
    }

    /** Each declared path's reviewed exceptions: its model's spec.scan.allowGlobals and allowCode. */
    static java.util.function.Function<String, ScanExceptions> scanExceptions(List<TrustedModel> declared) {
        Map<String, ScanExceptions> byPath = new HashMap<>();
        for (TrustedModel tm : declared) {
            var s = tm.getSpec().getScan();
            for (ModelFile f : tm.getSpec().getFiles()) {
                ScanExceptions e = s == null ? ScanExceptions.NONE
                        : ScanExceptions.of(f.getPath(), s.getAllowGlobals(), s.getAllowCode());
                byPath.merge(f.getPath(), e, ScanExceptions::intersect);
            }
        }
        return path -> byPath.getOrDefault(path, ScanExceptions.NONE);
    }

    /** Reviewed exceptions are part of what is verified: say which apply (stderr, so JSON output stays one shape). */
    private void printExceptions(List<TrustedModel> declared) {
        for (TrustedModel tm : declared) {
            var s = tm.getSpec().getScan();
            if (s != null && (!s.getAllowGlobals().isEmpty() || !s.getAllowCode().isEmpty())) {
                spec.commandLine().getErr().println("modelgate verify: " + ModelManifests.name(tm)
                        + " has reviewed scan exceptions" + (s.getAllowGlobals().isEmpty() ? ""
                        : ": allowGlobals " + String.join(", ", s.getAllowGlobals()))
                        + (s.getAllowCode().isEmpty() ? "" : "; allowCode " + String.join(", ", s.getAllowCode())));
            }
        }
    }

    private int refuseRevoked(String message, List<String> names) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> s = summary("failed", Outcome.VERIFICATION_FAILED.exitCode(), names);
            s.put("reason", message);
            out.println(Json.line(s));
        } else {
            spec.commandLine().getErr().println("modelgate verify: " + message);
        }
        out.flush();
        return Outcome.VERIFICATION_FAILED.exitCode();
    }

    private void printJson(IntegrityReport report, Manifest manifest, List<String> names, ScanCheck scans) {
        PrintWriter out = spec.commandLine().getOut();
        int failed = 0;
        for (FileResult f : report.files()) {
            out.println(Json.fileLine(f, scans));
            failed += f.ok() ? 0 : 1;
        }
        List<Map<String, Object>> warnings = new ArrayList<>();
        for (Finding w : report.warnings()) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("path", w.path());
            line.put("kind", w.kind().id());
            line.put("reason", w.message());
            warnings.add(line);
        }
        Map<String, Object> s = summary(report.ok() ? "ok" : "failed", report.exitCode(), names);
        s.put("files", manifest.size());
        s.put("failed", failed);
        s.put("warnings", warnings);
        s.put("bytes", report.bytesHashed());
        s.put("ms", report.millis());
        s.put("manifestDigest", manifest.digest());
        if (!report.ok()) {
            s.put("reason", report.findings().get(0).message());
        }
        out.println(Json.line(s));
        out.flush();
    }

    private static Map<String, Object> summary(String result, int exitCode, List<String> names) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("event", "summary");
        s.put("result", result);
        s.put("exitCode", exitCode);
        s.put("models", names);
        return s;
    }

    private void printText(IntegrityReport report, Manifest manifest, List<String> names) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (Finding w : report.warnings()) {
            err.println("WARN " + w.message());
        }
        err.flush();
        if (report.ok()) {
            out.printf("verified %s: %d files, %s bytes, manifest %s (%d ms)%n", dir, manifest.size(),
                    report.bytesHashed(), manifest.digest(), report.millis());
            out.flush();
            return;
        }
        for (Finding f : report.findings()) {
            err.println("FAIL " + f.message());
        }
        err.printf("modelgate verify: %s does not match %s: %d problem%s (exit %d)%n", dir, String.join(", ", names),
                report.findings().size(), report.findings().size() == 1 ? "" : "s", report.exitCode());
        err.flush();
    }
}
