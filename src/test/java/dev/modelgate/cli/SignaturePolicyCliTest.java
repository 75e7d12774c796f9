package dev.modelgate.cli;

import dev.modelgate.testing.SharedFiles;
import static dev.modelgate.integrity.ModelDirs.comfyLayout;
import static dev.modelgate.integrity.ModelDirs.manifestOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.integrity.ManifestEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify --model --source} (a ModelSource's signing policy) and {@code verify --cert-root} as a user runs them. */
class SignaturePolicyCliTest {

    static final Path VECTORS = Path.of("../shared/vectors/oms/scripts/tests");

    @TempDir
    Path tmp;
    Path models;
    Path tm;
    String publicKey;

    @BeforeEach
    void signedModel() throws IOException {
        models = comfyLayout(tmp.resolve("models"));
        tm = tmp.resolve("tm.yaml");
        StringBuilder y = new StringBuilder("apiVersion: modelgate.dev/v1alpha1\nkind: TrustedModel\nmetadata:\n"
                + "  name: comfy\n  namespace: ml\nspec:\n  source: hub\n  signature:\n    bundlePath: model.sig\n"
                + "  files:\n");
        for (ManifestEntry e : manifestOf(models).entries()) {
            y.append("  - path: ").append(e.path()).append("\n    sha256: ").append(e.sha256())
                    .append("\n    size: ").append(e.size()).append('\n');
        }
        Files.writeString(tm, y);
        CliRun k = CliRun.of("keygen", "--out=" + tmp.resolve("release"), "--no-passphrase");
        assertEquals(0, k.exitCode(), k::toString);
        publicKey = Files.readString(tmp.resolve("release-pub.pem"));
    }

    private Path source(boolean required, String keyExtra) throws IOException {
        StringBuilder y = new StringBuilder("apiVersion: modelgate.dev/v1alpha1\nkind: ModelSource\nmetadata:\n"
                + "  name: hub\nspec:\n  urls: [\"https://models.example.com/\"]\n  signing:\n    required: "
                + required + "\n    keys:\n    - name: release\n" + keyExtra + "      publicKey: |\n");
        for (String line : publicKey.split("\n")) {
            y.append("        ").append(line).append('\n');
        }
        Path p = tmp.resolve("src.yaml");
        Files.writeString(p, y);
        return p;
    }

    private void sign() {
        CliRun s = CliRun.of("sign", models.toString(), "--key=" + tmp.resolve("release.pem"));
        assertEquals(0, s.exitCode(), s::toString);
    }

    private CliRun verify(Path source, String... extra) {
        String[] args = new String[6 + extra.length];
        args[0] = "verify";
        args[1] = models.toString();
        args[2] = "--model";
        args[3] = tm.toString();
        args[4] = "--source";
        args[5] = source.toString();
        System.arraycopy(extra, 0, args, 6, extra.length);
        return CliRun.of(args);
    }

    @Test
    void aSignedModelMeetsItsSourcePolicyAndTheKeyIsNamed() throws IOException {
        sign();
        CliRun r = verify(source(true, ""));
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("  TrustedModel ml/comfy: signed by key 'release' ("), r::toString);
        CliRun j = verify(source(true, ""), "--json");
        assertEquals(0, j.exitCode(), j::toString);
        assertTrue(j.out().contains("\"event\":\"signature\",\"model\":\"TrustedModel ml/comfy\",\"bundle\":\"model.sig\","
                + "\"result\":\"ok\",\"signer\":\"key\",\"signedBy\":\"release\""), j::toString);
    }

    @Test
    void aRevokedKeyIsRefusedWithItsReason() throws IOException {
        sign();
        CliRun r = verify(source(true, "      revoked: true\n      reason: leaked in a CI log\n"));
        // As in the cluster: the source has no valid key left, so the model is not Ready (SourceNotTrusted).
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().contains("TrustedModel ml/comfy would not be Ready in the cluster (SourceNotTrusted): "), r::toString);
        assertTrue(r.err().contains("key 'release' is revoked (leaked in a CI log)"), r::toString);
        assertFalse(r.err().contains("Exception"), r::toString);
    }

    @Test
    void anExpiredKeyIsRefused() throws IOException {
        sign();
        CliRun r = verify(source(true, "      notAfter: \"2020-01-01T00:00:00Z\"\n"));
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().contains("key 'release' expired at 2020-01-01T00:00:00Z"), r::toString);
    }

    @Test
    void aRequiredSignatureThatIsMissingFails() throws IOException {
        CliRun r = verify(source(true, ""));
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().contains("FAIL TrustedModel ml/comfy: no signature bundle at " + models.resolve("model.sig")
                + ": the model is not signed"), r::toString);
    }

    /** verify gives check's (and the operator's) answer: no spec.signature under a signing source is not Ready. */
    @Test
    void aModelWithoutSpecSignatureUnderASigningSourceFailsAsInTheCluster() throws IOException {
        sign();
        Files.writeString(tm, Files.readString(tm).replace("  signature:\n    bundlePath: model.sig\n", ""));
        CliRun r = verify(source(true, ""));
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().contains("modelgate verify: TrustedModel ml/comfy would not be Ready in the cluster "
                + "(SignatureMissing): ModelSource hub requires signed models but TrustedModel ml/comfy declares no "
                + "spec.signature"), r::toString);
        CliRun j = verify(source(true, ""), "--json");
        assertTrue(j.out().contains("\"code\":\"SignatureMissing\""), j::toString);
    }

    @Test
    void anOptionalSignatureMayBeAbsentButIsCheckedWhenPresent() throws IOException {
        Files.writeString(tm, Files.readString(tm).replace("  signature:\n    bundlePath: model.sig\n", ""));
        CliRun r = verify(source(false, ""));
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("ml/comfy: not signed; the source does not require a signature"), r::toString);
        sign();
        Files.writeString(models.resolve("model.sig"), "{\"mediaType\": 1}");
        CliRun bad = verify(source(false, ""));
        assertEquals(2, bad.exitCode(), bad::toString);
    }

    @Test
    void aFileChangedAfterSigningFailsTheIntegrityCheck() throws IOException {
        sign();
        Files.writeString(models.resolve("extra.safetensors"), "x");
        CliRun r = verify(source(true, ""));
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().contains("extra.safetensors: is not part of any declared model"), r::toString);
    }

    @Test
    void aModelOfAnotherSourceIsBadInput() throws IOException {
        sign();
        Path src = source(true, "");
        Files.writeString(src, Files.readString(src).replace("name: hub", "name: other"));
        CliRun r = verify(src);
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("TrustedModel ml/comfy names source 'hub', which no --source file defines (given: "
                + "other); add that ModelSource's YAML with --source"), r::toString);
    }

    @Test
    void aMalformedSourceIsBadInput() throws IOException {
        Path src = tmp.resolve("bad.yaml");
        Files.writeString(src, "apiVersion: modelgate.dev/v1alpha1\nkind: ModelSource\nmetadata:\n  name: hub\nspec:\n"
                + "  signing:\n    keys:\n    - name: k\n      publicKey: nonsense\n");
        CliRun r = verify(src);
        assertEquals(2, r.exitCode(), r::toString);
        // The schema's findings first (spec.urls is no longer required by the schema: a source may list OCI
        // repositories instead, a CEL rule checked after the schema).
        assertTrue(r.err().contains(src + ": spec.signing.keys[0].publicKey: "), r::toString);
        assertFalse(r.err().contains("Exception"), r::toString);
    }

    @Test
    void certificateVectorsThroughTheCli() {
        SharedFiles.require(VECTORS, "certificate CLI vectors");
        String root = VECTORS.resolve("keys/certificate/ca-cert.pem").toString();
        String dir = VECTORS.resolve("v1.1.0-certificate").toString();
        CliRun ok = CliRun.of("verify", dir, "--cert-root", root, "--identity", "CN=intermediate-ca");
        assertEquals(0, ok.exitCode(), ok::toString);
        assertTrue(ok.out().contains("signed by certificate 'CN=intermediate-ca' issued under root 'CN=root-ca'"),
                ok::toString);
        CliRun wrong = CliRun.of("verify", dir, "--cert-root", root, "--identity", "release@example.com");
        assertEquals(1, wrong.exitCode(), wrong::toString);
        assertTrue(wrong.err().contains("is not an allowed identity (allowed: SAN 'release@example.com')"),
                wrong::toString);
    }

    @Test
    void legacyV02NeedsTheSwitch() {
        SharedFiles.require(VECTORS, "v0.2 CLI vector");
        String root = VECTORS.resolve("keys/certificate/ca-cert.pem").toString();
        String dir = VECTORS.resolve("v0.2.0-certificate").toString();
        CliRun refused = CliRun.of("verify", dir, "--cert-root", root);
        assertEquals(2, refused.exitCode(), refused::toString);
        assertTrue(refused.err().contains("it is accepted only with the legacy switch (--legacy-v0.2)"),
                refused::toString);
        CliRun ok = CliRun.of("verify", dir, "--cert-root", root, "--legacy-v0.2");
        assertEquals(0, ok.exitCode(), ok::toString);
    }

    @Test
    void identityWithoutRootOrIssuerIsBadInput() {
        CliRun r = CliRun.of("verify", models.toString(), "--model", tm.toString(), "--identity", "x@example.com");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("--identity goes with --cert-root (certificate chains) or --issuer (keyless)"),
                r::toString);
    }

    @Test
    void keylessVectorsThroughTheCli() {
        SharedFiles.require(VECTORS, "keyless CLI vectors");
        String root = VECTORS.resolve("../../sigstore-java/trusted_root.json").toString();
        String dir = VECTORS.resolve("v1.1.0-sigstore").toString();
        CliRun ok = CliRun.of("verify", dir, "--identity", "stefanb@us.ibm.com", "--issuer",
                "https://sigstore.verify.ibm.com/oauth2", "--trusted-root", root, "--ignore-paths", "ignore-me", "--json");
        assertEquals(0, ok.exitCode(), ok::toString);
        assertTrue(ok.out().contains("\"key\":\"stefanb@us.ibm.com\",\"signer\":\"keyless\""), ok::toString);
        CliRun wrong = CliRun.of("verify", dir, "--identity", "someone@example.com", "--issuer",
                "https://sigstore.verify.ibm.com/oauth2", "--trusted-root", root);
        assertEquals(1, wrong.exitCode(), wrong::toString);
        assertTrue(wrong.err().contains("which is not an allowed identity"), wrong::toString);
        CliRun noRoot = CliRun.of("verify", dir, "--identity", "stefanb@us.ibm.com", "--issuer",
                "https://sigstore.verify.ibm.com/oauth2");
        assertEquals(2, noRoot.exitCode(), noRoot::toString);
        assertTrue(noRoot.err().contains("this build of ModelGate ships no Sigstore trusted root; give one inline "
                + "(spec.signing.keyless.trustedRoot, or --trusted-root FILE)"), noRoot::toString);
        CliRun noIssuer = CliRun.of("verify", dir, "--identity", "stefanb@us.ibm.com", "--trusted-root", root);
        assertEquals(2, noIssuer.exitCode(), noIssuer::toString);
        assertTrue(noIssuer.err().contains("keyless verification needs --identity SAN and --issuer URL"),
                noIssuer::toString);
    }
}
