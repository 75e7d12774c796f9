package dev.modelgate.cli;

import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.api.v1alpha1.TrustedModelSpec;
import dev.modelgate.integrity.Finding;
import dev.modelgate.integrity.FindingKind;
import dev.modelgate.integrity.IntegrityEngine;
import dev.modelgate.integrity.IntegrityReport;
import dev.modelgate.integrity.ManifestEntry;
import dev.modelgate.integrity.ScanCheck;
import dev.modelgate.scan.ScanExceptions;
import dev.modelgate.scan.ScanReport;
import dev.modelgate.scan.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelgate approve DIR}: prints a ready-to-commit {@code TrustedModel} for a directory. This is
 * how a platform team onboards a model into Git: hash what it reviewed, commit the YAML, apply it.
 */
@Command(name = "approve", mixinStandardHelpOptions = true,
        description = "Print a TrustedModel YAML for a model directory: every file's path, size and sha256, "
                + "ready to commit to Git and apply. Every file is scanned on the same read pass: a file with a "
                + "CRITICAL or HIGH finding is refused (exit 1) unless --allow-findings is given. The scan summary "
                + "is recorded in the annotation " + ApproveCommand.SCAN_SUMMARY + ".")
final class ApproveCommand implements Callable<Integer> {

    /** DNS-1123 subdomain: what Kubernetes accepts as an object name. */
    static final Pattern OBJECT_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    static final Pattern REVIEW_INTERVAL = Pattern.compile("^[1-9][0-9]*(h|d|w)$");
    /** Annotation holding the verdict counts of the scan at approval, e.g. {@code 3 files: 1 suspicious, 2 benign}. */
    static final String SCAN_SUMMARY = "modelgate.dev/scan-summary";

    @Parameters(index = "0", paramLabel = "DIR", description = "The model directory, as reviewed; or an artifact "
            + "oci://REGISTRY/REPO@sha256:... (a tag is resolved once and the digest written).")
    Path dir;

    @Option(names = "--name", required = true, description = "TrustedModel name (DNS-1123, e.g. sdxl-base).")
    String name;

    @Option(names = "--source", required = true, description = "The ModelSource this model comes from.")
    String source;

    @Option(names = "--namespace", description = "Namespace of the TrustedModel (omit to use kubectl's current one).")
    String namespace;

    @Option(names = "--url-prefix", paramLabel = "URL",
            description = "https:// prefix the files can be downloaded from; each file's url is URL/<path>.")
    String urlPrefix;

    @Option(names = "--review-interval", paramLabel = "INTERVAL",
            description = "Record a review: interval such as 90d (lastReviewed is today, UTC).")
    String reviewInterval;

    @Option(names = "--reviewer", description = "Who reviewed the model (with --review-interval).")
    String reviewer;

    @Option(names = "--allow-findings",
            description = "Approve even files with CRITICAL or HIGH scan findings (after review): the TrustedModel "
                    + "gets spec.scan.policy: warn, so the verifier reports the findings instead of failing the pod.")
    boolean allowFindings;

    @Option(names = "--allow-global", paramLabel = "MODULE.NAME",
            description = "After review, accept this pickle global although the scanner's allowlist does not hold it "
                    + "(repeatable; written to spec.scan.allowGlobals; never accepts a global rated HIGH or CRITICAL).")
    List<String> allowGlobals = new ArrayList<>();

    @Option(names = "--allow-code", paramLabel = "PATH",
            description = "After review, accept the code in this file of the model (Python sources, auto_map or "
                    + "model_file references, chat templates; repeatable; written to spec.scan.allowCode).")
    List<String> allowCode = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the YAML to FILE instead of stdout.")
    Path output;

    @Mixin
    EngineOptionsMixin engine;

    @Mixin
    OciOptions oci;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        checkName("--name", name);
        checkName("--source", source);
        if (namespace != null) {
            checkName("--namespace", namespace);
        }
        if (urlPrefix != null && !urlPrefix.startsWith("https://")) {
            throw new BadInputException("--url-prefix '" + urlPrefix + "' is not an https:// URL; ModelGate never "
                    + "downloads over plain HTTP");
        }
        if (reviewInterval != null && !REVIEW_INTERVAL.matcher(reviewInterval).matches()) {
            throw new BadInputException("--review-interval '" + reviewInterval + "' is not a number followed by h, d or w");
        }
        for (String g : allowGlobals) {
            if (!g.matches(dev.modelgate.api.v1alpha1.ApiPatterns.PICKLE_GLOBAL)) {
                throw new BadInputException("--allow-global '" + g + "' is not an exact module.name global "
                        + "(dotted identifiers, no wildcard), e.g. my_lib.models.Net");
            }
        }
        if (OciOptions.isOci(dir)) {
            return OciApprove.run(this, oci);
        }
        ScanExceptions exceptions = new ScanExceptions(java.util.Set.copyOf(allowGlobals), false);
        ScanCheck scan = new ScanCheck(path -> allowFindings ? ScanPolicy.WARN : ScanPolicy.ENFORCE,
                path -> ScanExceptions.of(path, exceptions.globals(), allowCode));
        if (!allowGlobals.isEmpty() || !allowCode.isEmpty()) {
            spec.commandLine().getErr().println("modelgate approve: reviewed scan exceptions for " + name
                    + (allowGlobals.isEmpty() ? "" : ": allowGlobals " + String.join(", ", allowGlobals))
                    + (allowCode.isEmpty() ? "" : "; allowCode " + String.join(", ", allowCode)));
        }
        IntegrityReport report = new IntegrityEngine(engine.toOptions().withChecks(List.of(scan))).describe(dir);
        for (Finding w : report.warnings()) {
            spec.commandLine().getErr().println("modelgate approve: WARN " + w.message());
        }
        if (!report.ok()) {
            for (Finding f : report.findings()) {
                spec.commandLine().getErr().println("modelgate approve: " + f.message());
            }
            boolean scanned = report.findings().stream().anyMatch(f -> f.kind() == FindingKind.SCAN_FINDING);
            spec.commandLine().getErr().println("modelgate approve: refusing to approve " + dir
                    + " until the problems above are fixed"
                    + (scanned ? " (or, after review, approve the findings with --allow-findings)" : ""));
            return report.exitCode();
        }
        Collection<ScanReport> scans = scan.reports().values();
        boolean serious = scans.stream().anyMatch(r -> r.verdict() == Verdict.MALICIOUS);
        if (report.manifest().size() > TrustedModelSpec.MAX_FILES) {
            throw new BadInputException(dir + " holds " + report.manifest().size() + " files, more than the "
                    + TrustedModelSpec.MAX_FILES + " one TrustedModel may declare; approve its sub-folders as separate "
                    + "models (a pod may name several) or leave files out with --ignore");
        }
        String yaml = "# Approved with `modelgate approve` from " + dir.getFileName() + " on "
                + LocalDate.now(ZoneOffset.UTC) + "; manifest " + report.manifest().digest() + "\n"
                + ResourceYaml.write(trustedModel(report, scanSummary(scans), allowFindings && serious));
        if (output != null) {
            Files.writeString(output, yaml, StandardCharsets.UTF_8);
        } else {
            spec.commandLine().getOut().print(yaml);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    /**
     * {@code <n> files: <count> <verdict>, ...}, verdicts worst first (malicious, invalid, suspicious, benign),
     * zero counts left out: {@code 3 files: 3 benign}, {@code 1 file: 1 malicious}.
     */
    static String scanSummary(Collection<ScanReport> reports) {
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        for (ScanReport r : reports) {
            counts.merge(r.verdict(), 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((v, n) -> parts.add(n + " " + v.label()));
        return reports.size() + (reports.size() == 1 ? " file: " : " files: ") + String.join(", ", parts);
    }

    Map<String, Object> trustedModel(IntegrityReport report, String scanSummary, boolean findingsAllowed) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        metadata.put("annotations", Map.of(SCAN_SUMMARY, scanSummary));
        List<Map<String, Object>> files = new ArrayList<>();
        for (ManifestEntry e : report.manifest().entries()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("path", e.path());
            f.put("sha256", e.sha256());
            f.put("size", e.size());
            if (urlPrefix != null) {
                f.put("url", joinUrl(urlPrefix, e.path()));
            }
            files.add(f);
        }
        Map<String, Object> specMap = new LinkedHashMap<>();
        specMap.put("source", source);
        specMap.put("files", files);
        Map<String, Object> scanMap = new LinkedHashMap<>();
        if (findingsAllowed) {
            scanMap.put("policy", "warn"); // approved knowingly: the verifier reports, not refuses
        }
        if (!allowGlobals.isEmpty()) {
            scanMap.put("allowGlobals", allowGlobals.stream().distinct().sorted().toList());
        }
        if (!allowCode.isEmpty()) {
            scanMap.put("allowCode", allowCode.stream().distinct().sorted().toList());
        }
        if (!scanMap.isEmpty()) {
            specMap.put("scan", scanMap);
        }
        if (reviewInterval != null) {
            Map<String, Object> review = new LinkedHashMap<>();
            review.put("interval", reviewInterval);
            review.put("lastReviewed", LocalDate.now(ZoneOffset.UTC).toString());
            if (reviewer != null) {
                review.put("reviewer", reviewer);
            }
            specMap.put("review", review);
        }
        Map<String, Object> tm = new LinkedHashMap<>();
        tm.put("apiVersion", "modelgate.dev/v1alpha1");
        tm.put("kind", "TrustedModel");
        tm.put("metadata", metadata);
        tm.put("spec", specMap);
        return tm;
    }

    /** Joins a prefix and a model path, percent-encoding what a URL path cannot hold as is. */
    static String joinUrl(String prefix, String path) {
        StringBuilder b = new StringBuilder(prefix.endsWith("/") ? prefix : prefix + "/");
        for (byte x : path.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "/-._~".indexOf(c) >= 0;
            b.append(plain ? String.valueOf((char) c) : String.format("%%%02X", c));
        }
        return b.toString();
    }

    private static void checkName(String option, String value) {
        if (value.length() > 253 || !OBJECT_NAME.matcher(value).matches()) {
            throw new BadInputException(option + " '" + value + "' is not a valid Kubernetes name "
                    + "(lower-case letters, digits, '-' and '.', at most 253 characters)");
        }
    }
}
