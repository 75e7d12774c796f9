package dev.modelgate.cli;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.api.v1alpha1.SignatureSpec;
import dev.modelgate.integrity.IgnoreRules;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.api.v1alpha1.TrustedModelSpec;
import dev.modelgate.integrity.Finding;
import dev.modelgate.integrity.FindingKind;
import dev.modelgate.integrity.IntegrityEngine;
import dev.modelgate.integrity.IntegrityReport;
import dev.modelgate.integrity.ManifestEntry;
import dev.modelgate.integrity.ScanCheck;
import dev.modelgate.policy.ModelJudge;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.policy.SourceJudge;
import dev.modelgate.scan.ScanExceptions;
import dev.modelgate.scan.ScanReport;
import dev.modelgate.scan.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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

    @Parameters(index = "0", paramLabel = "DIR|FILE|hf://ORG/REPO@REVISION|oci://REF",
            description = "The model directory as reviewed, one file (approved alone, at --path-prefix), a Hugging "
                    + "Face repository at a revision (branch, tag or commit; read through the Hub API at HF_ENDPOINT, "
                    + "default https://huggingface.co, with HF_TOKEN; weights are not downloaded), or an artifact "
                    + "oci://REGISTRY/REPO@sha256:... (a tag is resolved once and the digest written).")
    String target;

    Path dir;

    @Option(names = "--include", paramLabel = "GLOB",
            description = "With hf://: approve only the repository files matching GLOB (repeatable), e.g. "
                    + "'sd_xl_base_1.0.safetensors' or 'unet/*'.")
    List<String> include = new ArrayList<>();

    @Option(names = "--ca-bundle", paramLabel = "PEM",
            description = "With hf://: trust only these CA certificates for HF_ENDPOINT (a mirror with its own CA).")
    Path caBundle;

    @Option(names = "--name", required = true, description = "TrustedModel name (DNS-1123, e.g. sdxl-base).")
    String name;

    @Option(names = "--source", required = true, description = "The ModelSource this model comes from.")
    String source;

    @Option(names = "--source-file", paramLabel = "FILE",
            description = "ModelSource YAML holding the source named by --source (a file may hold several documents): "
                    + "the approved model is judged as the operator will judge it under that source, and a note says "
                    + "why it would not be Ready (a URL outside spec.urls, a missing signature the source requires). "
                    + "With oci://, the artifact must also lie under its spec.oci.repositories (exit 2 otherwise), and "
                    + "that repository's caBundle is the registry's trust unless --registry-ca is given.")
    List<Path> sourceFiles = new ArrayList<>();

    @Option(names = "--namespace", description = "Namespace of the TrustedModel (omit to use kubectl's current one).")
    String namespace;

    @Option(names = "--url-prefix", paramLabel = "URL",
            description = "https:// prefix the files can be downloaded from; each file's url is URL/<path below DIR> "
                    + "(--path-prefix is not part of it: it says where the file lies on the volume, not on the hub).")
    String urlPrefix;

    @Option(names = "--path-prefix", paramLabel = "FOLDER",
            description = "Folder on the model volume the files go to, e.g. loras/ or checkpoints/ (ComfyUI's layout); "
                    + "each path is FOLDER/<path below DIR>.")
    String pathPrefix;

    @Option(names = "--force", description = "With -o: overwrite FILE if it exists.")
    boolean force;

    @Option(names = "--review-interval", paramLabel = "INTERVAL",
            description = "Record a review: interval such as 90d (lastReviewed is today, UTC).")
    String reviewInterval;

    @Option(names = "--reviewer", description = "Who reviewed the model (needs --review-interval).")
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

    /** The environment (HF_ENDPOINT, HF_TOKEN); replaceable in tests. */
    static java.util.function.Function<String, String> environment = System::getenv;

    /** The normalised --path-prefix ("" or ending in '/'). */
    String prefix = "";

    @Override
    public Integer call() throws IOException {
        boolean hub = target.startsWith("hf://");
        dir = hub ? null : Path.of(target);
        if (!hub && (!include.isEmpty() || caBundle != null)) {
            throw new BadInputException("--include and --ca-bundle go with an hf://ORG/REPO@REVISION source");
        }
        if (hub && urlPrefix != null) {
            throw new BadInputException("--url-prefix does not go with hf://: the URLs are the Hub's, pinned to the "
                    + "commit");
        }
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
        if (reviewer != null && reviewInterval == null) {
            throw new BadInputException("--reviewer '" + reviewer + "' needs --review-interval (e.g. 90d): a review "
                    + "is recorded with its date and the interval until the next one");
        }
        for (String g : allowGlobals) {
            if (!g.matches(dev.modelgate.api.v1alpha1.ApiPatterns.PICKLE_GLOBAL)) {
                throw new BadInputException("--allow-global '" + g + "' is not an exact module.name global "
                        + "(dotted identifiers, no wildcard), e.g. my_lib.models.Net");
            }
        }
        prefix = pathPrefix(pathPrefix);
        checkOutput();
        sourceFromFile(); // a bad --source-file fails before anything is read or downloaded
        if (hub) {
            return approveHub();
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
        Path root = dir;
        List<String> globs = ModelFileSet.ignoreGlobs(engine.ignore);
        if (Files.isRegularFile(dir)) {
            // One file: hash and scan it alone, with the engine (one read pass), as the only file of its folder.
            root = dir.toAbsolutePath().getParent();
            globs = onlyFile(root, dir.getFileName().toString());
        }
        IntegrityReport report = new IntegrityEngine(engine.toOptions().withIgnore(new IgnoreRules(globs))
                .withChecks(List.of(scan))).describe(root);
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
        boolean signed = Files.isDirectory(dir)
                && Files.isRegularFile(dir.resolve(SignatureSpec.DEFAULT_BUNDLE_PATH), LinkOption.NOFOLLOW_LINKS);
        String yaml = "# Approved with `modelgate approve` from " + dir.getFileName() + " on "
                + LocalDate.now(ZoneOffset.UTC) + "\n"
                + ResourceYaml.write(trustedModel(entries(report), scanSummary(scans), allowFindings && serious, signed));
        return emit(yaml);
    }

    /** {@code approve hf://ORG/REPO@REVISION}: sha256 and size of every file from the Hub, URLs pinned to the commit. */
    private int approveHub() throws IOException {
        java.util.regex.Matcher m = HubRepository.REF.matcher(target);
        if (!m.matches()) {
            throw new BadInputException("'" + target + "' is not hf://ORG/REPO@REVISION (e.g. "
                    + "hf://stabilityai/stable-diffusion-xl-base-1.0@main)");
        }
        String endpoint = environment.apply("HF_ENDPOINT");
        String ca = null;
        if (caBundle != null) {
            try {
                ca = Files.readString(caBundle, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new BadInputException("--ca-bundle " + caBundle + ": cannot be read");
            }
        }
        HubRepository repo = new HubRepository(endpoint == null || endpoint.isBlank() ? "https://huggingface.co"
                : endpoint, m.group(1), environment.apply("HF_TOKEN"), ca);
        String sha = repo.commit(m.group(2));
        List<HubRepository.HubFile> found = repo.files(sha, HubRepository.filter(include, engine.ignore));
        boolean signed = found.stream().anyMatch(f -> f.path().equals(SignatureSpec.DEFAULT_BUNDLE_PATH));
        List<Map<String, Object>> files = new ArrayList<>();
        for (HubRepository.HubFile f : found) {
            if (f.path().equals(SignatureSpec.DEFAULT_BUNDLE_PATH)) {
                continue; // the bundle: spec.signature, not a file of the model
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("path", prefix + f.path());
            e.put("sha256", f.sha256());
            e.put("size", f.size());
            e.put("url", repo.resolveUrl(sha, f.path()));
            files.add(e);
        }
        if (files.isEmpty()) {
            throw new BadInputException(repo.repo() + "@" + sha + ": no file to approve"
                    + (include.isEmpty() ? "" : " matches --include " + String.join(", ", include)));
        }
        if (files.size() > TrustedModelSpec.MAX_FILES) {
            throw new BadInputException(repo.repo() + "@" + sha + " holds " + files.size() + " files, more than the "
                    + TrustedModelSpec.MAX_FILES + " one TrustedModel may declare; choose files with --include");
        }
        files.sort(java.util.Comparator.comparing(f -> (String) f.get("path"), dev.modelgate.integrity.Manifest.PATH_ORDER));
        String summary = "not scanned at approval: " + files.size() + (files.size() == 1 ? " file" : " files")
                + " from the Hub; the verifier scans them";
        String yaml = "# Approved with `modelgate approve` from " + repo.endpoint() + "/" + repo.repo() + " at commit "
                + sha + " (" + m.group(2) + ") on " + LocalDate.now(ZoneOffset.UTC) + "\n"
                + ResourceYaml.write(trustedModel(files, summary, false, signed));
        return emit(yaml);
    }

    /** Writes the YAML to -o (never over an existing file without --force) or stdout. */
    int emit(String yaml) throws IOException {
        if (output != null) {
            try {
                Files.writeString(output, yaml, StandardCharsets.UTF_8);
            } catch (java.nio.file.AccessDeniedException e) {
                throw new BadInputException("-o " + output + ": cannot be written (permission denied); choose a "
                        + "writable path");
            } catch (java.nio.file.NoSuchFileException e) {
                throw new BadInputException("-o " + output + ": cannot be written (its folder does not exist); "
                        + "create the folder first");
            } catch (java.nio.file.FileSystemException e) {
                throw new BadInputException("-o " + output + ": cannot be written ("
                        + (e.getReason() == null ? "file system error" : e.getReason()) + ")");
            }
        } else {
            spec.commandLine().getOut().print(yaml);
            spec.commandLine().getOut().flush();
        }
        noteVerdict(yaml);
        return 0;
    }

    /** The ModelSource named by --source from --source-file (read once), or null without --source-file. */
    ModelSource sourceFromFile() {
        if (sourceFiles.isEmpty()) {
            return null;
        }
        if (sourceFromFile == null) {
            sourceFromFile = ModelSourceFiles.read(sourceFiles, List.of()).get(source);
            if (sourceFromFile == null) {
                throw new BadInputException("--source-file holds no ModelSource named " + source
                        + " (the --source of this approval)");
            }
        }
        return sourceFromFile;
    }

    private ModelSource sourceFromFile;

    /**
     * With --source-file: the approved model as the operator will judge it. Not a refusal (a model is often approved
     * before it is signed, or before its source lists a new URL), but the reason it would not be Ready, now.
     */
    private void noteVerdict(String yaml) {
        ModelSource src = sourceFromFile();
        if (src == null) {
            return;
        }
        TrustedModel approved = Resources.trustedModel("the approved TrustedModel", ResourceYaml.readDocuments(
                "the approved TrustedModel", new java.io.ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
                .get(0));
        java.time.Instant now = java.time.Instant.now();
        ModelVerdict verdict = ModelJudge.judge(approved, src, SourceJudge.judge(src, now), now);
        PrintWriter err = spec.commandLine().getErr();
        if (verdict.ready()) {
            err.println("modelgate approve: under ModelSource " + source + " this TrustedModel will be Ready");
        } else {
            err.println("modelgate approve: note: under ModelSource " + source + " this TrustedModel would not be "
                    + "Ready (" + verdict.reason() + "): " + verdict.message());
        }
        err.flush();
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

    /** Fails early, before any hashing, when -o names an existing file and --force is not given. */
    void checkOutput() {
        if (output != null && Files.exists(output, LinkOption.NOFOLLOW_LINKS) && !force) {
            throw new BadInputException("-o " + output + ": the file exists; give --force to overwrite it or "
                    + "choose another name");
        }
        if (output != null && Files.isDirectory(output)) {
            throw new BadInputException("-o " + output + ": is a folder; give a file name");
        }
    }

    /** Ignore globs that leave only {@code name} of {@code folder}: every other entry, anchored at the root. */
    private static List<String> onlyFile(Path folder, String name) throws IOException {
        List<String> globs = new ArrayList<>();
        try (java.util.stream.Stream<Path> s = Files.list(folder)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (!n.equals(name)) {
                    globs.add("/" + VerifyPolicy.escapeGlob(n));
                    globs.add("/" + VerifyPolicy.escapeGlob(n) + "/**");
                }
            }
        }
        return globs;
    }

    /** {@code loras/} from {@code loras}, {@code loras/} or {@code ./loras/}; "" when not given. */
    static String pathPrefix(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String v = value.startsWith("./") ? value.substring(2) : value;
        v = v.endsWith("/") ? v : v + "/";
        java.util.Optional<String> problem = dev.modelgate.integrity.ModelPath.problem(v.substring(0, v.length() - 1));
        if (problem.isPresent()) {
            throw new BadInputException("--path-prefix '" + value + "': " + problem.get());
        }
        return v;
    }

    /** The approved files with their volume paths (prefix + path below DIR) and, with --url-prefix, their URLs. */
    List<Map<String, Object>> entries(IntegrityReport report) {
        List<Map<String, Object>> files = new ArrayList<>();
        for (ManifestEntry e : report.manifest().entries()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("path", prefix + e.path());
            f.put("sha256", e.sha256());
            f.put("size", e.size());
            if (urlPrefix != null) {
                f.put("url", joinUrl(urlPrefix, e.path()));
            }
            files.add(f);
        }
        return files;
    }

    Map<String, Object> trustedModel(List<Map<String, Object>> files, String scanSummary, boolean findingsAllowed,
            boolean signed) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        if (scanSummary != null) {
            metadata.put("annotations", Map.of(SCAN_SUMMARY, scanSummary));
        }
        Map<String, Object> specMap = new LinkedHashMap<>();
        specMap.put("source", source);
        specMap.put("files", files);
        if (signed) {
            // The folder carries an OMS bundle (modelgate sign, model_signing): the verifier checks it.
            specMap.put("signature", Map.of("bundlePath", prefix + SignatureSpec.DEFAULT_BUNDLE_PATH));
        }
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
