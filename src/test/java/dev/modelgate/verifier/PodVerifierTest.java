package dev.modelgate.verifier;

import static dev.modelgate.policy.PlanFixtures.model;
import static dev.modelgate.policy.PlanFixtures.source;
import static dev.modelgate.verifier.ModelVolume.put;
import static dev.modelgate.verifier.ModelVolume.safetensors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.api.v1alpha1.CertificateTrust;
import dev.modelgate.api.v1alpha1.ModelFile;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.api.v1alpha1.ScanSpec;
import dev.modelgate.api.v1alpha1.SigningSpec;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.integrity.EngineOptions;
import dev.modelgate.integrity.ModelDirs;
import dev.modelgate.policy.PlanFixtures;
import dev.modelgate.policy.PlanSettings;
import dev.modelgate.policy.VerificationPlan;
import dev.modelgate.scan.Fixtures;
import dev.modelgate.signing.EcKeys;
import dev.modelgate.signing.OmsSigner;
import dev.modelgate.signing.OmsStatement;
import dev.modelgate.verifier.download.DownloadSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodVerifierTest {

    static final byte[] BASE = safetensors(70_000, 1);
    static final byte[] VAE = safetensors(3_000, 2);
    static final byte[] LORA = safetensors(100, 3);

    @TempDir
    Path volume;

    ModelFile base;
    ModelFile vae;
    ModelFile lora;

    @BeforeEach
    void layout() throws Exception {
        base = put(volume, "checkpoints/base.safetensors", BASE);
        vae = put(volume, "vae/vae.safetensors", VAE);
        lora = put(volume, "loras/style.safetensors", LORA);
    }

    static PodVerifier verifier() {
        return new PodVerifier(EngineOptions.defaults(), DownloadSettings.defaults().withAttempts(2)
                .withBackoff(Duration.ofMillis(5), Duration.ofMillis(5)), Clock.systemUTC());
    }

    Map<String, ModelSource> sources() {
        return Map.of("stability-ai", source("stability-ai", "https://models.example/stability"));
    }

    List<TrustedModel> models() {
        return List.of(model("comfyui", "sdxl-base", "stability-ai", base, vae),
                model("comfyui", "style-lora", "stability-ai", lora));
    }

    PodReport run() {
        return verifier().verify(ModelVolume.plan(volume, models(), sources()), volume);
    }

    static VerifierEvent event(PodReport r, String kind, String path) {
        return r.events().stream().filter(e -> e.event().equals(kind) && e.path().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " event for " + path + " in " + r.events()));
    }

    @Test
    void aGoodVolumeVerifies() {
        PodReport r = run();
        assertEquals(ReasonCode.Verified, r.code(), r.toString());
        assertEquals(0, r.exitCode());
        assertEquals("3 files of 2 models verified (" + (BASE.length + VAE.length + LORA.length) + " bytes hashed)",
                r.message());
        VerifierEvent e = event(r, "file", "checkpoints/base.safetensors");
        assertEquals("ok", e.result());
        assertEquals(base.getSha256(), e.sha256());
        assertEquals(BASE.length, e.bytes());
        assertEquals("benign", e.scan());
        assertEquals("modelgate: Verified: " + r.message() + "\n", TerminationMessage.of(r));
    }

    @Test
    void aTamperedByteIsADigestMismatch() throws Exception {
        ModelDirs.flipByte(volume.resolve("vae/vae.safetensors"), 2_000);
        PodReport r = run();
        assertEquals(ReasonCode.DigestMismatch, r.code());
        assertEquals(1, r.exitCode());
        String actual = ModelVolume.sha256(Files.readAllBytes(volume.resolve("vae/vae.safetensors")));
        assertEquals("vae/vae.safetensors: sha256 is " + actual + ", expected " + vae.getSha256(), r.message());
        assertEquals("digest-mismatch", event(r, "file", "vae/vae.safetensors").result());
        assertEquals("modelgate: DigestMismatch: " + r.message() + "\nexit 1\n"
                + "details: kubectl logs <pod> -c modelgate-verifier (one JSON line per file)\n",
                TerminationMessage.of(r));
    }

    @Test
    void aStrayFileFailsInStrictModeOnly() throws Exception {
        ModelDirs.write(volume.resolve("checkpoints/evil.ckpt"), new byte[] {1, 2, 3});
        PodReport r = run();
        assertEquals(ReasonCode.ExtraFile, r.code());
        assertEquals("checkpoints/evil.ckpt: is not part of any declared model (strict mode); remove it or add an "
                + "ignore glob", r.message());
        VerificationPlan lenient = dev.modelgate.policy.PlanBuilder.build(models(), sources(),
                PlanSettings.defaults().withRoot(volume.toString()).withStrict(false));
        assertEquals(ReasonCode.Verified, verifier().verify(lenient, volume).code());
        VerificationPlan ignoring = dev.modelgate.policy.PlanBuilder.build(models(), sources(),
                PlanSettings.defaults().withRoot(volume.toString()).withIgnore(List.of("*.ckpt")));
        assertEquals(ReasonCode.Verified, verifier().verify(ignoring, volume).code());
    }

    @Test
    void hubDownloadMetadataIsNotAStrayButALoadableFileUnderItIs() throws Exception {
        // What `hf download --local-dir` leaves beside the weights: no loader reads these.
        ModelDirs.write(volume.resolve(".gitattributes"), "*.safetensors filter=lfs\n".getBytes());
        ModelDirs.write(volume.resolve(".cache/huggingface/.gitignore"), "*\n".getBytes());
        ModelDirs.write(volume.resolve(".cache/huggingface/download/checkpoints/base.safetensors.metadata"),
                "abc\nabc\n1700000000.0\n".getBytes());
        ModelDirs.write(volume.resolve(".cache/huggingface/download/checkpoints/base.safetensors.lock"),
                new byte[0]);
        PodReport r = run();
        assertEquals(ReasonCode.Verified, r.code(), r.toString());
        assertTrue(ModelVolume.plan(volume, models(), sources()).ignore()
                .containsAll(dev.modelgate.policy.PlanBuilder.HUB_METADATA_IGNORE), "the plan shows the exemption");

        // ComfyUI lists model folders recursively by extension, hidden folders included: a checkpoint placed
        // in the metadata folder could be loaded, so it stays a stray, as does the same metadata deeper down.
        for (String stray : List.of(".cache/huggingface/download/evil.safetensors", ".cache/huggingface/evil.ckpt",
                ".cache/huggingface/download/evil.metadata.pkl", "checkpoints/.gitattributes",
                "loras/.cache/huggingface/.gitignore")) {
            Path p = volume.resolve(stray);
            ModelDirs.write(p, new byte[] {1, 2, 3});
            PodReport bad = run();
            assertEquals(ReasonCode.ExtraFile, bad.code(), stray + ": " + bad);
            assertEquals(stray + ": is not part of any declared model (strict mode); remove it or add an ignore glob",
                    bad.message());
            Files.delete(p);
        }
    }

    @Test
    void aMissingFileWithoutUrlIsMissing() throws Exception {
        Files.delete(volume.resolve("loras/style.safetensors"));
        PodReport r = run();
        assertEquals(ReasonCode.MissingFile, r.code());
        assertEquals("loras/style.safetensors: is declared (" + LORA.length + " bytes) but not on the volume",
                r.message());
    }

    @Test
    void aSizeMismatchIsNamed() throws Exception {
        Files.write(volume.resolve("loras/style.safetensors"), new byte[] {9}, java.nio.file.StandardOpenOption.APPEND);
        PodReport r = run();
        assertEquals(ReasonCode.SizeMismatch, r.code());
        assertEquals("loras/style.safetensors: is " + (LORA.length + 1) + " bytes, expected " + LORA.length
                + " (appended to?)", r.message());
    }

    @Test
    void aSymlinkLeavingTheVolumeIsRefused(@TempDir Path outside) throws Exception {
        Path target = outside.resolve("style.safetensors");
        Files.write(target, LORA);
        Files.delete(volume.resolve("loras/style.safetensors"));
        Files.createSymbolicLink(volume.resolve("loras/style.safetensors"), target);
        PodReport r = run();
        assertEquals(ReasonCode.SymlinkEscape, r.code());
        assertTrue(r.message().startsWith("loras/style.safetensors: "), r.message());
        assertEquals(1, r.exitCode());
    }

    @Test
    void aHardLinkedFileIsRefused(@TempDir Path elsewhere) throws Exception {
        Files.createLink(volume.resolve("extra-name"), volume.resolve("loras/style.safetensors"));
        PodReport r = run();
        assertTrue(r.events().stream().anyMatch(e -> e.code() == ReasonCode.HardLink), r.events().toString());
        assertEquals(1, r.exitCode());
    }

    /**
     * Reporting is linear in the number of strays: 100,000 empty files are reported in seconds. A lookup per
     * file in a list of all findings (quadratic) took over a minute here for 100,000; the timeout is generous.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 45, unit = java.util.concurrent.TimeUnit.SECONDS)
    void manyStraysAreReportedInLinearTime() throws Exception {
        int n = Integer.getInteger("modelgate.test.strays", 100_000);
        Path dir = Files.createDirectories(volume.resolve("strays"));
        for (int i = 0; i < n; i++) {
            Files.createFile(dir.resolve("s" + i));
        }
        long start = System.nanoTime();
        PodReport r = run();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(ReasonCode.ExtraFile, r.code());
        assertEquals(n, r.failures(), "every stray counted once");
        assertEquals(n + 3, r.events().size());
        System.out.println("manyStraysAreReportedInLinearTime: " + n + " strays verified in " + ms + " ms");
    }

    @Test
    void anAbsentVolumeIsABadPlan() {
        PodReport r = verifier().verify(ModelVolume.plan(volume, models(), sources()), volume.resolve("nope"));
        assertEquals(ReasonCode.BadPlan, r.code());
        assertEquals(2, r.exitCode());
        assertEquals("the model volume 'models' is not mounted at " + volume.resolve("nope")
                + "; the verifier needs it there (plan root)", r.message());
    }

    // ---- scanning ----

    @Test
    void aPickleThatRunsCodeFailsUnderEnforceAndIsReportedUnderWarn() throws Exception {
        ModelFile evil = put(volume, "loras/evil.pkl", Fixtures.call("os", "system", "id"));
        TrustedModel tm = model("comfyui", "evil", "stability-ai", evil);
        PodReport r = verifier().verify(ModelVolume.plan(volume, List.of(models().get(0), models().get(1), tm),
                sources()), volume);
        assertEquals(ReasonCode.ScanFinding, r.code());
        assertEquals(1, r.exitCode());
        assertTrue(r.message().startsWith("loras/evil.pkl: the scan found CRITICAL os.system"), r.message());
        assertTrue(r.message().endsWith("; loading this file can run code: remove it or replace it with a safetensors "
                + "export"), r.message());
        assertEquals("scan-finding", event(r, "file", "loras/evil.pkl").result());
        assertEquals("malicious", event(r, "file", "loras/evil.pkl").scan());
        assertEquals("ok", event(r, "file", "vae/vae.safetensors").result(), "other files still verify");

        tm.getSpec().setScan(new ScanSpec(ScanPolicy.WARN));
        PodReport warned = verifier().verify(ModelVolume.plan(volume, List.of(models().get(0), models().get(1), tm),
                sources()), volume);
        assertEquals(ReasonCode.Verified, warned.code(), warned.events().toString());
        assertEquals("warn", event(warned, "file", "loras/evil.pkl").result());
        assertEquals(ReasonCode.ScanFinding, event(warned, "file", "loras/evil.pkl").code());
        assertEquals("malicious", event(warned, "file", "loras/evil.pkl").scan());
        assertTrue(event(warned, "file", "loras/evil.pkl").reason().startsWith("loras/evil.pkl: the scan found "
                + "CRITICAL os.system"), event(warned, "file", "loras/evil.pkl").reason());

        tm.getSpec().setScan(new ScanSpec(ScanPolicy.OFF));
        PodReport off = verifier().verify(ModelVolume.plan(volume, List.of(models().get(0), models().get(1), tm),
                sources()), volume);
        assertEquals(ReasonCode.Verified, off.code());
        assertEquals(null, event(off, "file", "loras/evil.pkl").scan());
    }

    // ---- signatures ----

    static final KeyPair KEY = EcKeys.generate(EcKeys.Curve.P256);
    static final KeyPair OTHER = EcKeys.generate(EcKeys.Curve.P256);

    /** sdxl/ holds one signed model: two files and sdxl/model.sig. */
    TrustedModel signedModel(KeyPair signer) throws Exception {
        Path dir = volume.resolve("sdxl");
        ModelFile a = put(volume, "sdxl/unet.safetensors", safetensors(5_000, 11));
        ModelFile b = put(volume, "sdxl/text_encoder.safetensors", safetensors(600, 12));
        Path bundle = dir.resolve("model.sig");
        OmsStatement st = OmsSigner.statement(dir, bundle, OmsSigner.Options.files());
        Files.write(bundle, OmsSigner.sign(st, signer.getPrivate()));
        return PlanFixtures.withBundle(model("comfyui", "sdxl", "signed-source", a, b), "sdxl/model.sig");
    }

    ModelSource signedSource(java.util.function.Consumer<dev.modelgate.api.v1alpha1.SigningKey> keyEdit) {
        ModelSource ms = PlanFixtures.withKey(source("signed-source", "https://models.example/signed"), true,
                "release", EcKeys.publicKeyPem(KEY.getPublic()));
        keyEdit.accept(ms.getSpec().getSigning().getKeys().get(0));
        return ms;
    }

    PodReport runSigned(TrustedModel tm, ModelSource ms) {
        return verifier().verify(dev.modelgate.policy.PlanBuilder.build(List.of(tm), Map.of(ms.getMetadata().getName(),
                ms), PlanSettings.defaults().withRoot(volume.toString()).withIgnore(List.of("checkpoints/**",
                        "vae/**", "loras/**"))), volume);
    }

    @Test
    void aValidSignatureFromATrustedKeyPasses() throws Exception {
        PodReport r = runSigned(signedModel(KEY), signedSource(k -> { }));
        assertEquals(ReasonCode.Verified, r.code(), r.events().toString());
        VerifierEvent s = event(r, "signature", "sdxl/model.sig");
        assertEquals("ok", s.result());
        assertTrue(s.reason().startsWith("model comfyui/sdxl: signed by key 'release'"), s.reason());
    }

    @Test
    void aSignatureByAnUntrustedKeyIsRefused() throws Exception {
        PodReport r = runSigned(signedModel(OTHER), signedSource(k -> { }));
        assertEquals(ReasonCode.BadSignature, r.code());
        assertEquals(1, r.exitCode());
        assertTrue(r.message().startsWith("model comfyui/sdxl: the bundle was signed with the key whose hint is "
                + EcKeys.hint(OTHER.getPublic()) + ", which is not a trusted key"), r.message());
    }

    @Test
    void anExpiredKeyIsRefused() throws Exception {
        PodReport r = runSigned(signedModel(KEY), signedSource(k -> k.setNotAfter("2020-01-01T00:00:00Z")));
        assertEquals(ReasonCode.BadSignature, r.code());
        assertTrue(r.message().startsWith("model comfyui/sdxl: the model is signed by "), r.message());
        assertTrue(r.message().contains("2020-01-01T00:00:00Z"), r.message());
    }

    @Test
    void aRevokedKeyIsRefused() throws Exception {
        PodReport r = runSigned(signedModel(KEY), signedSource(k -> {
            k.setRevoked(true);
            k.setReason("leaked in CI logs");
        }));
        assertEquals(ReasonCode.BadSignature, r.code());
        assertTrue(r.message().contains("leaked in CI logs"), r.message());
    }

    @Test
    void aSignedFileChangedAfterSigningIsCaughtBeforeTheSignature() throws Exception {
        TrustedModel tm = signedModel(KEY);
        ModelDirs.flipByte(volume.resolve("sdxl/unet.safetensors"), 100);
        PodReport r = runSigned(tm, signedSource(k -> { }));
        assertEquals(ReasonCode.DigestMismatch, r.code());
        assertEquals("not-checked", event(r, "signature", "sdxl/model.sig").result());
    }

    @Test
    void aRequiredSignatureThatIsMissingIsRefused() throws Exception {
        TrustedModel tm = signedModel(KEY);
        Files.delete(volume.resolve("sdxl/model.sig"));
        PodReport r = runSigned(tm, signedSource(k -> { }));
        assertEquals(ReasonCode.BadSignature, r.code());
        assertEquals("model comfyui/sdxl must be signed (source signed-source requires it), but there is no "
                + "signature bundle at sdxl/model.sig; sign the model and put the bundle there", r.message());
    }

    @Test
    void certificateRootsThatDoNotParseAreABadPlan() throws Exception {
        ModelSource ms = source("signed-source", "https://models.example/signed");
        SigningSpec s = new SigningSpec();
        s.setRequired(true);
        CertificateTrust ct = new CertificateTrust();
        ct.setRoots("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        s.setCertificates(ct);
        ms.getSpec().setSigning(s);
        PodReport r = runSigned(signedModel(KEY), ms);
        assertEquals(ReasonCode.BadPlan, r.code());
        assertTrue(r.message().startsWith("source signed-source: "), r.message());
    }

    @Test
    void certificateOnlyTrustRefusesAKeySignedBundle() throws Exception {
        ModelSource ms = source("signed-source", "https://models.example/signed");
        SigningSpec s = new SigningSpec();
        s.setRequired(true);
        CertificateTrust ct = new CertificateTrust();
        java.time.Instant now = java.time.Instant.now();
        ct.setRoots(dev.modelgate.policy.PolicyFixtures.caPem("Release CA", now.minusSeconds(3600),
                now.plusSeconds(86400)));
        s.setCertificates(ct);
        ms.getSpec().setSigning(s);
        PodReport r = runSigned(signedModel(KEY), ms);
        assertEquals(ReasonCode.BadSignature, r.code());
        assertTrue(r.message().startsWith("model comfyui/sdxl: "), r.message());
        assertTrue(r.message().contains("signed with a public key, but the policy trusts no keys"), r.message());
    }

    @Test
    void theBundleIsNotAStrayButOtherFilesInTheSignedFolderAre() throws Exception {
        TrustedModel tm = signedModel(KEY);
        ModelDirs.write(volume.resolve("sdxl/extra.bin"), new byte[] {1});
        PodReport r = runSigned(tm, signedSource(k -> { }));
        assertEquals(ReasonCode.ExtraFile, r.code());
        assertEquals("sdxl/extra.bin: is not part of any declared model (strict mode); remove it or add an ignore glob",
                r.message());
        assertFalse(r.events().stream().anyMatch(e -> e.path().equals("sdxl/model.sig") && e.event().equals("file")));
    }

    @Test
    void downloadedBytesAreTheDeclaredOnes() throws Exception {
        TestCa ca = new TestCa("PodVerifierTest CA");
        try (LoopbackHttps server = new LoopbackHttps(ca)) {
            server.route("/models/base.safetensors", LoopbackHttps.file(BASE))
                    .route("/models/gone.safetensors", LoopbackHttps.status(404));
            Files.delete(volume.resolve("checkpoints/base.safetensors"));
            base.setUrl(server.base() + "/models/base.safetensors");
            ModelSource ms = PlanFixtures.withCa(source("stability-ai", server.base() + "/models"), ca.pem());
            PodReport r = verifier().verify(ModelVolume.plan(volume, models(), Map.of("stability-ai", ms)), volume);
            assertEquals(ReasonCode.Verified, r.code(), r.events().toString());
            assertEquals(BASE.length, r.downloaded());
            assertEquals("ok", event(r, "download", "checkpoints/base.safetensors").result());
            assertArrayEquals(BASE, Files.readAllBytes(volume.resolve("checkpoints/base.safetensors")));

            Files.delete(volume.resolve("vae/vae.safetensors"));
            vae.setUrl(server.base() + "/models/gone.safetensors");
            PodReport gone = verifier().verify(ModelVolume.plan(volume, models(), Map.of("stability-ai", ms)), volume);
            assertEquals(ReasonCode.DownloadFailed, gone.code());
            assertEquals(3, gone.exitCode());
            assertEquals("vae/vae.safetensors: " + server.base() + "/models/gone.safetensors answered 404 (HTTP/1.1 404 "
                    + "Not Found); check the file's url in its TrustedModel and the server's access rules", gone.message());
            assertEquals("download-failed", event(gone, "file", "vae/vae.safetensors").result());
            assertFalse(gone.events().stream().anyMatch(e -> e.code() == ReasonCode.MissingFile));
            assertEquals(1, gone.failures(), "one failed download is one problem, not two: " + gone.events());
        }
    }

    /**
     * Under LANG=C the JVM encodes file names as ASCII: a declared non-ASCII path cannot be opened, and the verifier
     * says so (and how to fix it) before touching the volume. The property is what the JVM read from the locale.
     */
    @Test
    void aPathTheJvmCannotEncodeIsRefusedWithTheFix() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")),
                "this JVM runs under a non-UTF-8 locale (sun.jnu.encoding " + System.getProperty("sun.jnu.encoding")
                        + "), so the test cannot create a non-ASCII file name; run the build with LANG=C.UTF-8");
        ModelFile accented = put(volume, "loras/\u00e9t\u00e9.safetensors", LORA);
        List<TrustedModel> models = List.of(model("comfyui", "sdxl-base", "stability-ai", base, vae),
                model("comfyui", "style-lora", "stability-ai", lora, accented));
        VerificationPlan plan = ModelVolume.plan(volume, models, sources());
        assertEquals(ReasonCode.Verified, verifier().verify(plan, volume).code(), "fine with a UTF-8 file-name charset");
        String saved = System.getProperty("sun.jnu.encoding");
        System.setProperty("sun.jnu.encoding", "ANSI_X3.4-1968");
        try {
            PodReport r = verifier().verify(plan, volume);
            assertEquals(ReasonCode.BadPlan, r.code());
            assertEquals(2, r.exitCode());
            assertEquals("'loras/\u00e9t\u00e9.safetensors' cannot be used as a file name: the verifier's JVM encodes "
                    + "file names as US-ASCII (from the locale); run it with a UTF-8 locale (LC_ALL=C.UTF-8, as "
                    + "bin/modelgate and the image set it)", r.message());
        } finally {
            System.setProperty("sun.jnu.encoding", saved);
        }
    }

    /** A server trickling a byte just inside the read timeout: the pod's verdict is exit 3 naming the file. */
    @Test
    void aTricklingDownloadEndsWithExitThreeNamingTheFile() throws Exception {
        TestCa ca = new TestCa("PodVerifierTest trickle CA");
        try (LoopbackHttps server = new LoopbackHttps(ca)) {
            server.route("/models/base.safetensors", LoopbackHttps.trickle(BASE, 100));
            Files.delete(volume.resolve("checkpoints/base.safetensors"));
            base.setUrl(server.base() + "/models/base.safetensors");
            ModelSource ms = PlanFixtures.withCa(source("stability-ai", server.base() + "/models"), ca.pem());
            DownloadSettings slowOk = DownloadSettings.defaults().withAttempts(2)
                    .withBackoff(Duration.ofMillis(5), Duration.ofMillis(5)).withReadTimeout(Duration.ofSeconds(5))
                    .withDeadline(Duration.ofSeconds(1), 1L << 40);
            PodReport r = new PodVerifier(EngineOptions.defaults(), slowOk, Clock.systemUTC())
                    .verify(ModelVolume.plan(volume, models(), Map.of("stability-ai", ms)), volume);
            assertEquals(ReasonCode.DownloadFailed, r.code(), r.events().toString());
            assertEquals(3, r.exitCode());
            assertTrue(r.message().startsWith("checkpoints/base.safetensors: the download from "), r.message());
            assertTrue(r.message().contains("did not finish within its deadline of 1 s"), r.message());
            assertEquals(1, r.failures());
            assertTrue(TerminationMessage.of(r).startsWith("modelgate: DownloadFailed: checkpoints/base.safetensors: "),
                    TerminationMessage.of(r));
        }
    }
}
