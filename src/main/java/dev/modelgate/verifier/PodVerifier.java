package dev.modelgate.verifier;

import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.api.v1alpha1.SigningKey;
import dev.modelgate.integrity.EngineOptions;
import dev.modelgate.integrity.FileResult;
import dev.modelgate.integrity.Finding;
import dev.modelgate.integrity.FindingKind;
import dev.modelgate.integrity.IgnoreRules;
import dev.modelgate.integrity.IntegrityEngine;
import dev.modelgate.integrity.IntegrityReport;
import dev.modelgate.integrity.Manifest;
import dev.modelgate.integrity.ManifestEntry;
import dev.modelgate.integrity.Outcome;
import dev.modelgate.policy.VerificationPlan;
import dev.modelgate.integrity.ScanCheck;
import dev.modelgate.scan.ScanExceptions;
import dev.modelgate.scan.ScanReport;
import dev.modelgate.api.v1alpha1.CertificateTrust;
import dev.modelgate.api.v1alpha1.KeylessTrust;
import dev.modelgate.api.v1alpha1.SigningSpec;
import dev.modelgate.signing.OmsException;
import dev.modelgate.signing.SignaturePolicy;
import dev.modelgate.signing.OmsException;
import dev.modelgate.signing.SignatureVerification;
import dev.modelgate.verifier.download.DownloadException;
import dev.modelgate.verifier.download.DownloadSettings;
import dev.modelgate.verifier.download.SecureDownloader;
import dev.modelgate.verifier.download.SourceTls;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLSocketFactory;

/**
 * Proves a model volume against a {@link VerificationPlan}, in this order: download declared files that are
 * missing and have a url; verify every declared file (size, sha256, kind of file, links) and, in strict mode,
 * that nothing else lies on the volume, scanning each file on the same read pass as its hash; then verify
 * signature bundles. Plain Java: it runs in the init-container without any framework.
 *
 * <p>Fail closed: every step that cannot decide is a failure with a reason, never a pass.
 */
public final class PodVerifier {

    private final EngineOptions engine;
    private final DownloadSettings downloads;
    private final Clock clock;

    public PodVerifier(EngineOptions engine, DownloadSettings downloads, Clock clock) {
        this.engine = engine;
        this.downloads = downloads;
        this.clock = clock;
    }

    public PodVerifier() {
        this(EngineOptions.defaults(), DownloadSettings.defaults(), Clock.systemUTC());
    }

    /** One declared path: its entry, its url (from the first model that gives one), its models. */
    private record Declared(ManifestEntry entry, String url, VerificationPlan.Model model) {
    }

    public PodReport verify(VerificationPlan plan, Path root) {
        long start = System.nanoTime();
        String unencodable = unencodablePath(plan);
        if (unencodable != null) {
            return PodReport.refused(ReasonCode.BadPlan, encodingProblem(unencodable), millis(start));
        }
        try {
            return verifyVolume(plan, root, start);
        } catch (InvalidPathException e) {
            return PodReport.refused(ReasonCode.IoFailure, encodingProblem(e.getInput()), millis(start));
        }
    }

    /**
     * The first declared path the JVM cannot turn into a file name: the JVM encodes names with the locale's
     * charset ({@code sun.jnu.encoding}, fixed at start-up), and under {@code LANG=C} that is ASCII.
     */
    static String unencodablePath(VerificationPlan plan) {
        java.nio.charset.CharsetEncoder enc = fileNameCharset().newEncoder();
        for (VerificationPlan.Model m : plan.models()) {
            for (VerificationPlan.PlanFile f : m.files()) {
                if (!enc.canEncode(f.path())) {
                    return f.path();
                }
            }
            if (m.signature() != null && !enc.canEncode(m.signature().bundlePath())) {
                return m.signature().bundlePath();
            }
        }
        return null;
    }

    static java.nio.charset.Charset fileNameCharset() {
        try {
            return java.nio.charset.Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (IllegalArgumentException e) {
            return java.nio.charset.StandardCharsets.US_ASCII;
        }
    }

    /** The sentence for a file name the JVM cannot encode (what, and the fix). */
    public static String encodingProblem(String what) {
        return "'" + what + "' cannot be used as a file name: the verifier's JVM encodes file names as "
                + fileNameCharset().name() + " (from the locale); run it with a UTF-8 locale (LC_ALL=C.UTF-8, as "
                + "bin/modelgate and the image set it)";
    }

    private PodReport verifyVolume(VerificationPlan plan, Path root, long start) {
        if (!Files.isDirectory(root)) {
            return PodReport.refused(ReasonCode.BadPlan, "the model volume '" + plan.volume() + "' is not mounted at "
                    + root + "; the verifier needs it there (plan root)", millis(start));
        }
        Manifest manifest = plan.manifest();
        Map<String, Declared> declared = new LinkedHashMap<>();
        Map<String, ScanPolicy> scanPolicy = new HashMap<>();
        Map<String, ScanExceptions> scanExceptions = new HashMap<>();
        for (VerificationPlan.Model m : plan.models()) {
            for (VerificationPlan.PlanFile f : m.files()) {
                Declared d = declared.get(f.path());
                if (d == null || (d.url() == null && f.url() != null)) {
                    declared.put(f.path(), new Declared(manifest.get(f.path()).orElseThrow(), f.url(), m));
                }
                scanPolicy.merge(f.path(), m.scanPolicy(), PodVerifier::stricter);
                scanExceptions.merge(f.path(), ScanExceptions.of(f.path(), m.allowGlobals(), m.allowCode()),
                        ScanExceptions::intersect);
            }
        }

        // 1. Downloads of missing files that say where from.
        Map<String, VerifierEvent> downloadEvents = new TreeMap<>(Manifest.PATH_ORDER);
        Map<String, VerifierEvent> downloadFailures = new HashMap<>();
        long downloaded = download(plan, root, declared, downloadEvents, downloadFailures);

        // 2. Every file: one read pass each, in parallel; the scanner reads the same bytes (its model's policy).
        Set<String> bundles = new HashSet<>();
        for (VerificationPlan.Model m : plan.models()) {
            if (m.signature() != null) {
                bundles.add(m.signature().bundlePath());
            }
        }
        ScanCheck scan = new ScanCheck(path -> scanPolicy.getOrDefault(path, ScanPolicy.OFF),
                path -> scanExceptions.getOrDefault(path, ScanExceptions.NONE));
        EngineOptions options = engine.withStrict(plan.strict()).withIgnore(new IgnoreRules(plan.ignore()))
                .withChecks(List.of(scan));
        IntegrityReport report = new IntegrityEngine(options).verify(root, manifest);
        Map<String, ScanReport> scans = scan.reports();
        Map<String, Finding> warnings = new HashMap<>();
        for (Finding w : report.warnings()) {
            warnings.putIfAbsent(w.path(), w);
        }
        Map<String, VerifierEvent> fileEvents = new TreeMap<>(Manifest.PATH_ORDER);
        for (FileResult r : report.files()) {
            if (bundles.contains(r.path()) && FindingKind.EXTRA.id().equals(r.result())) {
                continue; // a declared signature bundle is part of the model, not a stray
            }
            VerifierEvent failedDownload = downloadFailures.get(r.path());
            if (failedDownload != null && FindingKind.MISSING.id().equals(r.result())) {
                fileEvents.put(r.path(), new VerifierEvent("file", r.path(), failedDownload.result(),
                        failedDownload.code(), failedDownload.reason(), 0L, 0L, null, null, null, null));
                continue;
            }
            ScanReport scanned = scans.get(r.path());
            String verdict = scanned == null ? null : scanned.verdict().label();
            Finding warning = warnings.get(r.path());
            if (r.ok() && warning != null) {
                // Reported, not refused: policy warn, a MEDIUM finding, or a file the scanner could not parse.
                fileEvents.put(r.path(), new VerifierEvent("file", r.path(), "warn", ReasonCode.of(warning.kind()),
                        warning.message(), Math.max(r.size(), 0), r.millis(), r.sha256(), verdict, null, null));
                continue;
            }
            ReasonCode code = r.ok() ? null : codeOf(r);
            fileEvents.put(r.path(), new VerifierEvent("file", r.path(), r.result(), code, r.reason(),
                    Math.max(r.size(), 0), r.millis(), r.sha256(), verdict, null, null));
        }
        for (Finding f : report.findings()) {
            if (f.kind() == FindingKind.BAD_ROOT) {
                return PodReport.refused(ReasonCode.BadPlan, f.message(), millis(start));
            }
        }

        // 3. Signatures, once the files are proven (the signature check reads the signed folder again).
        List<VerifierEvent> signatureEvents = new ArrayList<>();
        boolean filesOk = fileEvents.values().stream().noneMatch(VerifierEvent::failed)
                && downloadFailures.isEmpty();
        for (VerificationPlan.Model m : plan.models()) {
            if (m.signature() != null) {
                signatureEvents.add(signature(plan, m, root, filesOk));
            }
        }

        List<VerifierEvent> events = new ArrayList<>();
        events.addAll(downloadEvents.values());
        events.addAll(fileEvents.values());
        events.addAll(signatureEvents);
        return verdict(events, manifest.size(), report.bytesHashed(), downloaded, millis(start), plan);
    }

    private long download(VerificationPlan plan, Path root, Map<String, Declared> declared,
            Map<String, VerifierEvent> events, Map<String, VerifierEvent> failures) {
        List<Declared> wanted = new ArrayList<>();
        for (Declared d : declared.values()) {
            if (d.url() != null && !Files.exists(root.resolve(d.entry().path()), LinkOption.NOFOLLOW_LINKS)) {
                wanted.add(d);
            }
        }
        if (wanted.isEmpty()) {
            return 0;
        }
        Map<String, SSLSocketFactory> tls = new HashMap<>();
        Map<String, DownloadException> badTls = new HashMap<>();
        for (Declared d : wanted) {
            String source = d.model().source();
            if (!tls.containsKey(source) && !badTls.containsKey(source)) {
                try {
                    tls.put(source, SourceTls.socketFactory(source, plan.sources().get(source).caBundle()));
                } catch (DownloadException e) {
                    badTls.put(source, e);
                }
            }
        }
        SecureDownloader downloader = new SecureDownloader(downloads);
        List<Callable<VerifierEvent>> jobs = new ArrayList<>();
        for (Declared d : wanted) {
            jobs.add(() -> {
                String source = d.model().source();
                ManifestEntry e = d.entry();
                try {
                    if (badTls.containsKey(source)) {
                        throw badTls.get(source);
                    }
                    VerificationPlan.Source s = plan.sources().get(source);
                    SecureDownloader.Downloaded got = downloader.download(new SecureDownloader.Request(d.url(),
                            s.urls(), tls.get(source), s.caBundle() != null, root, e.path(), e.size(), e.sha256()));
                    return new VerifierEvent("download", e.path(), "ok", null, null, got.bytes(), got.millis(),
                            e.sha256(), null, d.url(), null);
                } catch (DownloadException x) {
                    return new VerifierEvent("download", e.path(), kebab(x.code()), x.code(), x.getMessage(), null,
                            null, null, null, d.url(), null);
                }
            });
        }
        long bytes = 0;
        for (VerifierEvent ev : runAll(jobs, Math.min(4, jobs.size()))) {
            events.put(ev.path(), ev);
            if (ev.failed()) {
                failures.put(ev.path(), ev);
            } else {
                bytes += ev.bytes();
            }
        }
        return bytes;
    }

    private VerifierEvent signature(VerificationPlan plan, VerificationPlan.Model m, Path root, boolean filesOk) {
        String bundlePath = m.signature().bundlePath();
        String who = "model " + m.qualifiedName();
        Path bundle = root.resolve(bundlePath);
        if (!Files.exists(bundle, LinkOption.NOFOLLOW_LINKS)) {
            if (!m.signature().required()) {
                return sig(bundlePath, m, "absent", null, who + " declares no bundle at " + bundlePath
                        + " and its source does not require one");
            }
            return sig(bundlePath, m, "missing", ReasonCode.BadSignature, who + " must be signed (source "
                    + m.source() + " requires it), but there is no signature bundle at " + bundlePath
                    + "; sign the model and put the bundle there");
        }
        if (!filesOk) {
            return sig(bundlePath, m, "not-checked", null, who + ": the signature was not checked because the files "
                    + "did not verify");
        }
        VerificationPlan.Source source = plan.sourceOf(m);
        // The source's whole signing trust (keys, certificate roots, keyless identities), judged at this clock.
        SignaturePolicy policy;
        try {
            policy = SignaturePolicy.fromSource(signingSpec(source), clock).withEngine(engine);
        } catch (OmsException e) {
            return sig(bundlePath, m, "bad-plan", ReasonCode.BadPlan, "source " + m.source() + ": " + e.getMessage());
        }
        if (!policy.trustsAnySigner()) {
            return sig(bundlePath, m, "bad-signature", ReasonCode.BadSignature, who + ": source " + m.source()
                    + " lists no signing keys, certificate roots or keyless identities; add the signer's trust to "
                    + "the source's spec.signing");
        }
        List<ManifestEntry> entries = new ArrayList<>();
        for (VerificationPlan.PlanFile f : m.files()) {
            entries.add(new ManifestEntry(f.path(), f.sha256(), f.size()));
        }
        // The files were proven against the plan above; for `files` bundles this reads nothing more.
        SignatureVerification v = policy.verify(root, bundlePath, Manifest.of(entries));
        if (v.ok()) {
            return sig(bundlePath, m, "ok", null, who + ": " + v.message());
        }
        ReasonCode code = v.outcome() == Outcome.IO_FAILURE ? ReasonCode.IoFailure
                : v.outcome() == Outcome.BAD_INPUT ? ReasonCode.BadPlan : ReasonCode.BadSignature;
        return sig(bundlePath, m, code == ReasonCode.BadPlan ? "bad-plan" : "bad-signature", code, who + ": "
                + v.message());
    }

    /** The plan's copy of a source's signing trust, as the API type the signature policy reads. */
    private static SigningSpec signingSpec(VerificationPlan.Source source) {
        SigningSpec spec = new SigningSpec();
        spec.setRequired(source.signingRequired());
        List<SigningKey> keys = new ArrayList<>();
        for (VerificationPlan.Key k : source.keys()) {
            SigningKey api = new SigningKey(k.name(), k.publicKey());
            api.setNotBefore(k.notBefore());
            api.setNotAfter(k.notAfter());
            api.setRevoked(k.revoked());
            api.setReason(k.reason());
            keys.add(api);
        }
        spec.setKeys(keys);
        if (source.certificates() != null) {
            CertificateTrust ct = new CertificateTrust();
            ct.setRoots(source.certificates().roots());
            List<dev.modelgate.api.v1alpha1.CertificateIdentity> ids = new ArrayList<>();
            for (VerificationPlan.CertificateIdentity id : source.certificates().identities()) {
                ids.add(new dev.modelgate.api.v1alpha1.CertificateIdentity(id.subject(), id.san()));
            }
            ct.setIdentities(ids);
            spec.setCertificates(ct);
        }
        if (source.keyless() != null) {
            KeylessTrust kt = new KeylessTrust();
            kt.setTrustedRoot(source.keyless().trustedRoot());
            List<dev.modelgate.api.v1alpha1.KeylessIdentity> ids = new ArrayList<>();
            for (VerificationPlan.KeylessIdentity id : source.keyless().identities()) {
                ids.add(new dev.modelgate.api.v1alpha1.KeylessIdentity(id.san(), id.issuer()));
            }
            kt.setIdentities(ids);
            spec.setKeyless(kt);
        }
        return spec;
    }

    private static VerifierEvent sig(String path, VerificationPlan.Model m, String result, ReasonCode code,
            String reason) {
        return new VerifierEvent("signature", path, result, code, reason, null, null, null, null, null,
                m.qualifiedName());
    }

    /** The verdict: the deciding outcome (bad input, then verification failure, then I/O) and its first reason. */
    private static PodReport verdict(List<VerifierEvent> events, int files, long bytes, long downloaded, long ms,
            VerificationPlan plan) {
        Outcome outcome = Outcome.OK;
        int failures = 0;
        Set<String> failedDownloads = new HashSet<>();
        for (VerifierEvent e : events) {
            if (e.failed()) {
                outcome = outcome.and(e.code().outcome());
                if ("download".equals(e.event())) {
                    failedDownloads.add(e.path());
                } else if ("file".equals(e.event()) && failedDownloads.contains(e.path())) {
                    continue; // the file line repeats its failed download: one problem, counted once
                }
                failures++;
            }
        }
        if (outcome == Outcome.OK) {
            int models = plan.models().size();
            return new PodReport(events, ReasonCode.Verified, files + " file" + (files == 1 ? "" : "s") + " of "
                    + models + " model" + (models == 1 ? "" : "s") + " verified (" + bytes + " bytes hashed"
                    + (downloaded > 0 ? ", " + downloaded + " downloaded" : "") + ")", 0, files, bytes, downloaded,
                    ms);
        }
        for (VerifierEvent e : events) {
            if (e.failed() && e.code().outcome() == outcome) {
                return new PodReport(events, e.code(), e.reason(), failures, files, bytes, downloaded, ms);
            }
        }
        throw new IllegalStateException("no failing event for outcome " + outcome);
    }

    /** Finding kinds by their JSON id, so a file's code is one lookup (not a scan of every finding). */
    private static final Map<String, FindingKind> KIND_BY_ID = new HashMap<>();

    static {
        for (FindingKind k : FindingKind.values()) {
            KIND_BY_ID.put(k.id(), k);
        }
    }

    /** The code of a failed file: its result is the id of its first finding's kind. */
    private static ReasonCode codeOf(FileResult r) {
        FindingKind k = KIND_BY_ID.get(r.result());
        return k == null ? ReasonCode.DigestMismatch : ReasonCode.of(k);
    }

    static String kebab(ReasonCode code) {
        return code.name().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static ScanPolicy stricter(ScanPolicy a, ScanPolicy b) {
        return a.ordinal() <= b.ordinal() ? a : b; // ENFORCE, WARN, OFF
    }

    private static <T> List<T> runAll(List<Callable<T>> jobs, int threads) {
        List<T> out = new ArrayList<>();
        if (jobs.isEmpty()) {
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, jobs.size())), r -> {
            Thread t = new Thread(r, "modelgate-verifier");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> j : jobs) {
                futures.add(pool.submit(j));
            }
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while verifying", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("verification step failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

}
