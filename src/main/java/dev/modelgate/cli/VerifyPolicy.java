package dev.modelgate.cli;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.SignatureSpec;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.integrity.EngineOptions;
import dev.modelgate.integrity.FileResult;
import dev.modelgate.integrity.Finding;
import dev.modelgate.integrity.IgnoreRules;
import dev.modelgate.integrity.IntegrityEngine;
import dev.modelgate.integrity.IntegrityReport;
import dev.modelgate.integrity.Manifest;
import dev.modelgate.integrity.ScanCheck;
import dev.modelgate.policy.ModelJudge;
import dev.modelgate.policy.ModelManifests;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.signing.OmsException;
import dev.modelgate.signing.SignaturePolicy;
import dev.modelgate.signing.SignatureVerification;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * {@code modelgate verify DIR --model tm.yaml --source src.yaml}: the cluster's decision, offline. The files are
 * checked against the TrustedModels by the integrity engine (one read pass), and each model's signature, at its
 * {@code spec.signature.bundlePath}, must prove that its declared files are exactly what a signer the source
 * trusts signed ({@link SignaturePolicy#verify(Path, String, Manifest)}, the entry point the verifier uses too).
 */
final class VerifyPolicy {

    private VerifyPolicy() {
    }

    /** One model's signature verdict; {@code verification} is null when the model is unsigned and may be. */
    private record ModelSignature(String model, String bundlePath, SignatureVerification verification) {
        boolean ok() {
            return verification == null || verification.ok();
        }

        String message() {
            return verification == null ? "not signed; the source does not require a signature"
                    : verification.message();
        }
    }

    static int run(CommandLine cl, Path dir, List<TrustedModel> declared, Manifest manifest,
            Map<String, ModelSource> sources, EngineOptions engine, ScanCheck scans, boolean legacyV02, boolean json) {
        Map<String, SignaturePolicy> policies = new LinkedHashMap<>();
        for (ModelSource source : sources.values()) {
            String sourceName = source.getMetadata().getName();
            try {
                policies.put(sourceName, SignaturePolicy.fromSource(source.getSpec(), Clock.systemUTC())
                        .withLegacyV02(legacyV02).withEngine(engine));
            } catch (OmsException e) {
                throw new BadInputException("ModelSource " + sourceName + ": " + e.getMessage());
            }
        }
        // The operator's verdict first: a model the cluster would not call Ready (no spec.signature under a source
        // that requires signing, a url outside the source, ...) fails here too, with the same sentence.
        java.time.Instant now = java.time.Instant.now();
        for (TrustedModel tm : declared) {
            ModelVerdict verdict = ModelJudge.judge(tm, sources.get(tm.getSpec().getSource()), now);
            if (!verdict.ready()) {
                String message = ModelManifests.name(tm) + " would not be Ready in the cluster ("
                        + verdict.reason() + "): " + verdict.message();
                if (json) {
                    Map<String, Object> sum = new LinkedHashMap<>();
                    sum.put("event", "summary");
                    sum.put("result", "failed");
                    sum.put("exitCode", 1);
                    sum.put("code", verdict.reason());
                    sum.put("models", declared.stream().map(ModelManifests::name).toList());
                    sum.put("reason", message);
                    cl.getOut().println(Json.line(sum));
                    cl.getOut().flush();
                } else {
                    cl.getErr().println("modelgate verify: " + message);
                    cl.getErr().flush();
                }
                return 1;
            }
        }
        List<String> bundles = new ArrayList<>();
        List<ModelSignature> signatures = new ArrayList<>();
        for (TrustedModel tm : declared) {
            String sourceName = tm.getSpec().getSource();
            SignaturePolicy policy = policies.get(sourceName);
            SignatureSpec sig = tm.getSpec().getSignature();
            String bundlePath = sig == null ? SignatureSpec.DEFAULT_BUNDLE_PATH : sig.bundlePathOrDefault();
            boolean present = Files.exists(dir.resolve(bundlePath), LinkOption.NOFOLLOW_LINKS);
            if (present) {
                bundles.add(bundlePath);
            }
            boolean required = policy.required() || sig != null;
            if (!required && !present) {
                signatures.add(new ModelSignature(ModelManifests.name(tm), bundlePath, null));
                continue;
            }
            if (!policy.trustsAnySigner()) {
                throw new BadInputException("ModelSource " + sourceName + " trusts no signer (no keys, certificates or "
                        + "keyless identities), so the signature of " + ModelManifests.name(tm) + " cannot be checked");
            }
            // A signature that is present is always checked, required or not: a bad one is never ignored.
            signatures.add(new ModelSignature(ModelManifests.name(tm), bundlePath,
                    policy.verify(dir, bundlePath, ModelManifests.manifest(tm))));
        }
        List<String> globs = new ArrayList<>(engine.ignore().globs());
        for (String b : bundles) {
            globs.add(escapeGlob(b)); // the bundles are not files of any model
        }
        IntegrityReport report = new IntegrityEngine(engine.withIgnore(new IgnoreRules(globs))).verify(dir, manifest);
        int exit = report.exitCode();
        for (ModelSignature s : signatures) {
            if (exit == 0 && !s.ok()) {
                exit = s.verification().exitCode();
            }
        }
        List<String> names = declared.stream().map(ModelManifests::name).toList();
        if (json) {
            printJson(cl, report, manifest, names, signatures, exit, scans);
        } else {
            printText(cl, dir, report, manifest, names, signatures, exit);
        }
        return exit;
    }

    static String escapeGlob(String path) {
        StringBuilder b = new StringBuilder();
        for (char c : path.toCharArray()) {
            if ("\\*?[]{},".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    private static void printJson(CommandLine cl, IntegrityReport report, Manifest manifest, List<String> names,
            List<ModelSignature> signatures, int exit, ScanCheck scans) {
        PrintWriter out = cl.getOut();
        int failed = 0;
        for (FileResult f : report.files()) {
            out.println(Json.fileLine(f, scans));
            failed += f.ok() ? 0 : 1;
        }
        for (ModelSignature s : signatures) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("event", "signature");
            line.put("model", s.model());
            line.put("bundle", s.bundlePath());
            line.put("result", s.verification() == null ? "unsigned" : s.ok() ? "ok" : "failed");
            if (s.verification() != null && s.verification().signer() != null) {
                line.put("signer", s.verification().signer().kind());
                line.put("signedBy", s.verification().signer().name());
            }
            line.put("message", s.message());
            out.println(Json.line(line));
        }
        Map<String, Object> sum = new LinkedHashMap<>();
        sum.put("event", "summary");
        sum.put("result", exit == 0 ? "ok" : "failed");
        sum.put("exitCode", exit);
        sum.put("models", names);
        sum.put("files", manifest.size());
        sum.put("failed", failed);
        sum.put("bytes", report.bytesHashed());
        sum.put("manifestDigest", manifest.digest());
        if (exit != 0) {
            sum.put("reason", reason(report, signatures));
        }
        out.println(Json.line(sum));
        out.flush();
    }

    private static String reason(IntegrityReport report, List<ModelSignature> signatures) {
        if (!report.ok()) {
            return report.findings().get(0).message();
        }
        for (ModelSignature s : signatures) {
            if (!s.ok()) {
                return s.model() + ": " + s.message();
            }
        }
        return "";
    }

    private static void printText(CommandLine cl, Path dir, IntegrityReport report, Manifest manifest,
            List<String> names, List<ModelSignature> signatures, int exit) {
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        if (exit == 0) {
            out.printf("verified %s: %d files, %s bytes, manifest %s (%d ms)%n", dir, manifest.size(),
                    report.bytesHashed(), manifest.digest(), report.millis());
            for (ModelSignature s : signatures) {
                out.printf("  %s: %s%n", s.model(), s.message());
            }
            out.flush();
            return;
        }
        for (Finding f : report.findings()) {
            err.println("FAIL " + f.message());
        }
        for (ModelSignature s : signatures) {
            if (!s.ok()) {
                err.println("FAIL " + s.model() + ": " + s.message());
            }
        }
        err.printf("modelgate verify: %s does not meet %s under its source's signing policy: %s (exit %d)%n", dir,
                String.join(", ", names), reason(report, signatures), exit);
        err.flush();
    }
}
