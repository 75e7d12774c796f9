package dev.modelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.oci.LocalRegistry;
import dev.modelgate.oci.OciLayout;
import dev.modelgate.oci.OciRegistryTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelgate approve oci://...} and {@code modelgate verify oci://...} against a real registry on loopback. */
class OciCliTest {

    @TempDir
    Path tmp;

    static final byte[] WEIGHTS = OciRegistryTest.safetensors(64 * 1024);
    /** A protocol-2 pickle calling os.system: what the scanner must refuse. */
    static final byte[] EVIL_PICKLE = new byte[] {(byte) 0x80, 2, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm',
            '\n', '(', 'X', 2, 0, 0, 0, 'l', 's', 't', 'R', '.'};

    @AfterEach
    void clearInsecure() {
        System.clearProperty(OciOptions.INSECURE_PROPERTY);
    }

    LocalRegistry registry() throws Exception {
        LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false);
        System.setProperty(OciOptions.INSECURE_PROPERTY, r.hostPort());
        return r;
    }

    @Test
    void approveByTagPinsTheDigestAndVerifyProvesTheCopy() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = registry()) {
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            String digest = layout.modelPack(OciLayout.files("model.safetensors", WEIGHTS), "v1");
            r.push(layout, "v1", "models/qwen");
            Path tm = tmp.resolve("tm.yaml");
            CliRun approve = CliRun.of("approve", "oci://" + r.hostPort() + "/models/qwen:v1", "--name", "qwen",
                    "--source", "acme", "--namespace", "mlx", "-o", tm.toString());
            assertEquals(0, approve.exitCode(), approve.toString());
            assertTrue(approve.err().contains("resolved tag v1 to " + digest), approve.toString());
            String yaml = Files.readString(tm);
            assertTrue(yaml.contains("reference: \"" + r.hostPort() + "/models/qwen@" + digest + "\"")
                    || yaml.contains("reference: " + r.hostPort() + "/models/qwen@" + digest), yaml);
            assertTrue(yaml.contains("sha256: \"" + OciLayout.sha256(WEIGHTS) + "\"")
                    || yaml.contains("sha256: " + OciLayout.sha256(WEIGHTS)), yaml);
            Matcher m = Pattern.compile("blob bytes downloaded: ([0-9]+)").matcher(yaml);
            assertTrue(m.find(), yaml);
            assertTrue(Long.parseLong(m.group(1)) <= 4096, "approval read only the safetensors header: " + yaml);

            CliRun verify = CliRun.of("verify", "oci://" + r.hostPort() + "/models/qwen@" + digest, "--model",
                    tm.toString());
            assertEquals(0, verify.exitCode(), verify.toString());
            assertTrue(verify.out().contains("every file matches TrustedModel mlx/qwen"), verify.toString());

            // The registry copy is tampered with: verify names the file and exits 1.
            byte[] evil = WEIGHTS.clone();
            evil[evil.length - 3] ^= 0x10;
            Files.write(r.blobData("sha256:" + OciLayout.sha256(WEIGHTS)), evil);
            CliRun tampered = CliRun.of("verify", "oci://" + r.hostPort() + "/models/qwen@" + digest, "--model",
                    tm.toString());
            assertEquals(1, tampered.exitCode(), tampered.toString());
            assertTrue(tampered.err().contains("FAIL") && tampered.err().contains("model.safetensors")
                    && tampered.err().contains("corrupted or tampered"), tampered.toString());
        }
    }

    @Test
    void verifyRefusesAnotherArtifactOrATag() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = registry()) {
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            String digest = layout.modelPack(OciLayout.files("model.safetensors", WEIGHTS), "v1");
            r.push(layout, "v1", "models/qwen");
            Path tm = tmp.resolve("tm.yaml");
            assertEquals(0, CliRun.of("approve", "oci://" + r.hostPort() + "/models/qwen@" + digest, "--name", "qwen",
                    "--source", "acme", "-o", tm.toString()).exitCode());
            OciLayout other = new OciLayout(tmp.resolve("other"));
            String otherDigest = other.modelPack(OciLayout.files("model.safetensors", WEIGHTS, "extra.json", "{}"), "v2");
            r.push(other, "v2", "models/qwen");

            CliRun wrong = CliRun.of("verify", "oci://" + r.hostPort() + "/models/qwen@" + otherDigest, "--model",
                    tm.toString());
            assertEquals(1, wrong.exitCode(), wrong.toString());
            assertTrue(wrong.err().contains("approves the artifact"), wrong.toString());

            CliRun tag = CliRun.of("verify", "oci://" + r.hostPort() + "/models/qwen:v1", "--model", tm.toString());
            assertEquals(2, tag.exitCode(), tag.toString());
            assertTrue(tag.err().contains("pinned by digest"), tag.toString());
        }
    }

    @Test
    void approvePullsAndScansPickleLayersAndRefusesMaliciousOnes() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = registry()) {
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            String digest = layout.modelPack(OciLayout.files("model.safetensors", WEIGHTS, "evil.pkl", EVIL_PICKLE), "v1");
            r.push(layout, "v1", "models/evil");
            CliRun approve = CliRun.of("approve", "oci://" + r.hostPort() + "/models/evil@" + digest, "--name", "evil",
                    "--source", "acme");
            assertEquals(1, approve.exitCode(), approve.toString());
            assertTrue(approve.err().contains("evil.pkl") && approve.err().contains("os.system")
                    && approve.err().contains("refusing to approve"), approve.toString());
            assertEquals(1, r.blobGets("models/evil").stream().filter(l -> l.contains(OciLayout.sha256(EVIL_PICKLE)))
                    .count(), "the pickle layer was pulled once to be scanned");
        }
    }

    @Test
    void insecureRegistriesMustBeLoopback() throws Exception {
        System.setProperty(OciOptions.INSECURE_PROPERTY, "registry.example.com:5000");
        CliRun run = CliRun.of("approve", "oci://registry.example.com:5000/models/x@sha256:" + "a".repeat(64),
                "--name", "x", "--source", "acme");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("not a loopback address"), run.toString());
    }

    @Test
    void malformedReferencesAreBadInput() {
        CliRun run = CliRun.of("approve", "oci://library/ubuntu", "--name", "x", "--source", "acme");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("neither tag nor digest") || run.err().contains("names no registry"),
                run.toString());
    }

    /** A folder signed with `modelgate sign`, pushed as a ModelPack with model.sig as a layer. */
    @Test
    void signedArtifactMeetsTheSourcePolicyAndATamperedOneDoesNot() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = registry()) {
            Path folder = tmp.resolve("model");
            Files.createDirectories(folder);
            Files.write(folder.resolve("model.safetensors"), WEIGHTS);
            Files.writeString(folder.resolve("config.json"), "{\"model_type\":\"qwen3\"}");
            assertEquals(0, CliRun.of("keygen", "--out=" + tmp.resolve("release"), "--no-passphrase").exitCode());
            CliRun sign = CliRun.of("sign", folder.toString(), "--key=" + tmp.resolve("release.pem"));
            assertEquals(0, sign.exitCode(), sign.toString());
            StringBuilder src = new StringBuilder("apiVersion: modelgate.dev/v1alpha1\nkind: ModelSource\n"
                    + "metadata:\n  name: acme\nspec:\n  oci:\n    repositories:\n    - prefix: " + r.hostPort()
                    + "/models\n  signing:\n    required: true\n    keys:\n    - name: release\n      publicKey: |\n");
            for (String line : Files.readString(tmp.resolve("release-pub.pem")).split("\n")) {
                src.append("        ").append(line).append('\n');
            }
            Path source = tmp.resolve("src.yaml");
            Files.writeString(source, src);

            java.util.Map<String, byte[]> files = new java.util.LinkedHashMap<>();
            for (String f : java.util.List.of("config.json", "model.safetensors", "model.sig")) {
                files.put(f, Files.readAllBytes(folder.resolve(f)));
            }
            OciLayout good = new OciLayout(tmp.resolve("good"));
            String goodDigest = good.modelPack(files, "v1");
            r.push(good, "v1", "models/signed");
            Path tm = tmp.resolve("tm.yaml");
            CliRun approve = CliRun.of("approve", "oci://" + r.hostPort() + "/models/signed@" + goodDigest, "--name",
                    "signed", "--source", "acme", "-o", tm.toString());
            assertEquals(0, approve.exitCode(), approve.toString());
            Files.writeString(tm, Files.readString(tm) + "  signature:\n    bundlePath: model.sig\n");
            CliRun ok = CliRun.of("verify", "oci://" + r.hostPort() + "/models/signed@" + goodDigest, "--model",
                    tm.toString(), "--source", source.toString());
            assertEquals(0, ok.exitCode(), ok.toString());

            // Same bundle, other weights: the files match their own TrustedModel but not the signature.
            byte[] other = WEIGHTS.clone();
            other[other.length - 1] = 7;
            files.put("model.safetensors", other);
            OciLayout bad = new OciLayout(tmp.resolve("bad"));
            String badDigest = bad.modelPack(files, "v2");
            r.push(bad, "v2", "models/signed");
            Path tm2 = tmp.resolve("tm2.yaml");
            assertEquals(0, CliRun.of("approve", "oci://" + r.hostPort() + "/models/signed@" + badDigest, "--name",
                    "signed", "--source", "acme", "-o", tm2.toString()).exitCode());
            Files.writeString(tm2, Files.readString(tm2) + "  signature:\n    bundlePath: model.sig\n");
            CliRun refused = CliRun.of("verify", "oci://" + r.hostPort() + "/models/signed@" + badDigest, "--model",
                    tm2.toString(), "--source", source.toString());
            assertEquals(1, refused.exitCode(), refused.toString());
            assertTrue(refused.err().contains("signature model.sig") && refused.err().contains("model.safetensors"),
                    refused.toString());
        }
    }

    /** A ModelSource file gives approve and verify the cluster's view: trusted repositories and their CA. */
    @Test
    void theSourceFileDecidesTrustedRepositoriesAndTheRegistryCa() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false)) {
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            String digest = layout.modelPack(OciLayout.files("model.safetensors", WEIGHTS), "v1");
            r.push(layout, "v1", "models/qwen");
            dev.modelgate.verifier.TestCa ca = new dev.modelgate.verifier.TestCa("registry test CA");
            com.sun.net.httpserver.HttpsServer tls = OciRegistryTest.httpsFront(r, ca);
            try {
                String host = "127.0.0.1:" + tls.getAddress().getPort();
                String ref = "oci://" + host + "/models/qwen@" + digest;
                StringBuilder y = new StringBuilder("apiVersion: modelgate.dev/v1alpha1\nkind: ModelSource\nmetadata:\n"
                        + "  name: acme\nspec:\n  oci:\n    repositories:\n    - prefix: " + host + "/models\n"
                        + "      pullSecret: {name: acme-pull, namespace: modelgate-system}\n      caBundle: |\n");
                for (String line : ca.pem().split("\n")) {
                    y.append("        ").append(line).append('\n');
                }
                Path source = tmp.resolve("source.yaml");
                Files.writeString(source, y);

                // Without the source, the JVM trust store does not know the registry's CA.
                CliRun untrusted = CliRun.of("approve", ref, "--name", "qwen", "--source", "acme");
                assertTrue(untrusted.exitCode() != 0 && untrusted.err().contains("TLS failed"), untrusted::toString);

                Path tm = tmp.resolve("tm.yaml");
                CliRun approve = CliRun.of("approve", ref, "--name", "qwen", "--source", "acme", "--source-file",
                        source.toString(), "-o", tm.toString());
                assertEquals(0, approve.exitCode(), approve::toString);
                assertTrue(approve.err().contains("note: ModelSource acme pulls " + host + "/models with Secret "
                        + "acme-pull; give that Secret (kubectl get secret acme-pull -o yaml) with --docker-config"),
                        approve::toString);
                CliRun verify = CliRun.of("verify", ref, "--model", tm.toString(), "--source", source.toString());
                assertEquals(0, verify.exitCode(), verify::toString);

                // A repository the source does not list is refused before the registry is asked, as admission would.
                Files.writeString(source, Files.readString(source).replace("prefix: " + host + "/models",
                        "prefix: " + host + "/other"));
                CliRun elsewhere = CliRun.of("approve", ref, "--name", "qwen", "--source", "acme", "--source-file",
                        source.toString());
                assertEquals(2, elsewhere.exitCode(), elsewhere::toString);
                assertTrue(elsewhere.err().contains("is not under any of ModelSource acme's spec.oci.repositories ["
                        + host + "/other]"), elsewhere::toString);
                CliRun stale = CliRun.of("verify", ref, "--model", tm.toString(), "--source", source.toString());
                assertEquals(1, stale.exitCode(), stale::toString);
                assertTrue(stale.err().contains("is not under any of ModelSource acme's spec.oci.repositories"),
                        stale::toString);
                CliRun wrongName = CliRun.of("approve", ref, "--name", "qwen", "--source", "other", "--source-file",
                        source.toString());
                assertEquals(2, wrongName.exitCode(), wrongName::toString);
                assertTrue(wrongName.err().contains("--source-file holds no ModelSource named other"),
                        wrongName::toString);
            } finally {
                tls.stop(0);
            }
        }
    }

    /** Pull credentials from a docker config.json, or from the pull Secret as kubectl prints it. */
    @Test
    void credentialsComeFromAConfigJsonOrThePullSecret() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), true)) {
            System.setProperty(OciOptions.INSECURE_PROPERTY, r.hostPort());
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            String digest = layout.modelPack(OciLayout.files("model.safetensors", WEIGHTS), "v1");
            r.push(layout, "v1", "models/private");
            String ref = "oci://" + r.hostPort() + "/models/private@" + digest;

            CliRun anonymous = CliRun.of("approve", ref, "--name", "private", "--source", "acme");
            assertTrue(anonymous.exitCode() != 0 && anonymous.err().contains("asks for credentials (Basic) and none were given"),
                    anonymous::toString);

            String auth = java.util.Base64.getEncoder().encodeToString((LocalRegistry.USER + ":" + LocalRegistry.PASSWORD)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String config = "{\"auths\":{\"" + r.hostPort() + "\":{\"auth\":\"" + auth + "\"}}}";
            Path json = tmp.resolve("config.json");
            Files.writeString(json, config);
            CliRun withJson = CliRun.of("approve", ref, "--name", "private", "--source", "acme", "--docker-config",
                    json.toString());
            assertEquals(0, withJson.exitCode(), withJson::toString);

            Path secret = tmp.resolve("pull-secret.yaml");
            Files.writeString(secret, "apiVersion: v1\nkind: Secret\nmetadata: {name: acme-pull}\n"
                    + "type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: " + java.util.Base64.getEncoder()
                            .encodeToString(config.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "\n");
            CliRun withSecret = CliRun.of("approve", ref, "--name", "private", "--source", "acme", "--docker-config",
                    secret.toString());
            assertEquals(0, withSecret.exitCode(), withSecret::toString);
            assertEquals(withJson.out(), withSecret.out());

            Path opaque = tmp.resolve("opaque.yaml");
            Files.writeString(opaque, "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\ndata: {token: YQ==}\n");
            CliRun wrong = CliRun.of("approve", ref, "--name", "private", "--source", "acme", "--docker-config",
                    opaque.toString());
            assertEquals(2, wrong.exitCode(), wrong::toString);
            assertTrue(wrong.err().contains("the Secret has no .dockerconfigjson"), wrong::toString);
        }
    }
}
