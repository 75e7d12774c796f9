package dev.modelgate.cli;

import dev.modelgate.testing.SharedFiles;
import static dev.modelgate.integrity.ModelDirs.comfyLayout;
import static dev.modelgate.integrity.ModelDirs.flipByte;
import static dev.modelgate.integrity.ModelDirs.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** keygen, sign and verify --key as a user runs them: files written, exit codes, one-sentence errors. */
class SignCliTest {

    @TempDir
    Path tmp;
    Path models;
    Path prefix;
    Path passFile;

    @BeforeEach
    void keysAndModel() throws IOException {
        models = comfyLayout(tmp.resolve("models"));
        prefix = tmp.resolve("release");
        passFile = tmp.resolve("pass.txt");
        Files.writeString(passFile, "correct horse battery staple\n");
    }

    @AfterEach
    void restoreEnvironment() {
        Passphrases.environment = System::getenv;
    }

    private Path keygen(String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "keygen";
        args[1] = "--out=" + prefix;
        args[2] = "--passphrase-file";
        args[3] = passFile.toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exitCode(), r::toString);
        return Path.of(prefix + ".pem");
    }

    private CliRun sign(String... extra) {
        String[] args = new String[6 + extra.length];
        args[0] = "sign";
        args[1] = models.toString();
        args[2] = "--key=" + prefix + ".pem";
        args[3] = "--passphrase-file";
        args[4] = passFile.toString();
        args[5] = "--threads=2";
        System.arraycopy(extra, 0, args, 6, extra.length);
        return CliRun.of(args);
    }

    private CliRun verify(String... extra) {
        String[] args = new String[3 + extra.length];
        args[0] = "verify";
        args[1] = models.toString();
        args[2] = "--key=" + prefix + "-pub.pem";
        System.arraycopy(extra, 0, args, 3, extra.length);
        return CliRun.of(args);
    }

    @Test
    void keygenWritesAnEncryptedOwnerOnlyKeyAndAPublicKey() throws IOException {
        Path priv = keygen();
        String pem = Files.readString(priv);
        assertTrue(pem.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"), pem);
        assertTrue(Files.readString(Path.of(prefix + "-pub.pem")).startsWith("-----BEGIN PUBLIC KEY-----"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)));
        CliRun again = CliRun.of("keygen", "--out=" + prefix, "--passphrase-file", passFile.toString());
        assertEquals(2, again.exitCode());
        assertTrue(again.err().contains("exists already"), again::toString);
    }

    @Test
    void keygenWithoutAPassphraseSourceRefusesAndNoPassphraseWarnsLoudly() throws IOException {
        Passphrases.environment = name -> null;
        CliRun r = CliRun.of("keygen", "--out=" + prefix);
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--no-passphrase"), r::toString);
        assertFalse(Files.exists(Path.of(prefix + ".pem")));
        CliRun plain = CliRun.of("keygen", "--out=" + prefix, "--no-passphrase", "--curve=p384");
        assertEquals(0, plain.exitCode(), plain::toString);
        assertTrue(plain.err().contains("WARNING") && plain.err().contains("UNENCRYPTED"), plain::toString);
        assertTrue(Files.readString(Path.of(prefix + ".pem")).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(plain.out().contains("P-384"), plain::toString);
        // An unencrypted key signs without any passphrase.
        CliRun s = CliRun.of("sign", models.toString(), "--key=" + prefix + ".pem");
        assertEquals(0, s.exitCode(), s::toString);
        assertEquals(0, verify().exitCode());
    }

    @Test
    void passphraseFromTheEnvironment() {
        Passphrases.environment = name -> Map.of("MY_PASS", "from-env").get(name);
        assertEquals(0, CliRun.of("keygen", "--out=" + prefix, "--passphrase-env=MY_PASS").exitCode());
        CliRun s = CliRun.of("sign", models.toString(), "--key=" + prefix + ".pem", "--passphrase-env=MY_PASS");
        assertEquals(0, s.exitCode(), s::toString);
        Passphrases.environment = name -> Map.of("MY_PASS", "wrong").get(name);
        CliRun wrong = CliRun.of("sign", models.toString(), "--key=" + prefix + ".pem", "--passphrase-env=MY_PASS");
        assertEquals(2, wrong.exitCode());
        assertTrue(wrong.err().contains("wrong passphrase"), wrong::toString);
    }

    @Test
    void signThenVerifyThenTamper() throws IOException {
        keygen();
        CliRun s = sign();
        assertEquals(0, s.exitCode(), s::toString);
        assertTrue(s.out().contains("3 files"), s::toString);
        assertTrue(Files.exists(models.resolve("model.sig")));
        CliRun ok = verify();
        assertEquals(0, ok.exitCode(), ok::toString);
        assertTrue(ok.out().contains("signed by key 'release-pub.pem'"), ok::toString);
        flipByte(models.resolve("vae/vae.safetensors"), 10);
        CliRun bad = verify();
        assertEquals(1, bad.exitCode(), bad::toString);
        assertTrue(bad.err().contains("FAIL vae/vae.safetensors: sha256 is"), bad::toString);
    }

    @Test
    void signShardsAndVerifyAsJson() throws IOException {
        keygen("--curve", "p384");
        CliRun s = sign("--shards", "--shard-size=1024");
        assertEquals(0, s.exitCode(), s::toString);
        CliRun ok = verify("--json");
        assertEquals(0, ok.exitCode(), ok::toString);
        String[] lines = ok.out().strip().split("\n");
        JsonNode summary = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertEquals("ok", summary.path("result").asText());
        assertEquals("shards", summary.path("serialization").asText());
        assertEquals(64 + 3 + 1, summary.path("resources").asInt());
        assertEquals("release-pub.pem", summary.path("key").asText());
        write(models.resolve("extra.ckpt"), new byte[] {1, 2});
        CliRun bad = verify("--json");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.out().contains("\"result\":\"extra\""), bad::toString);
    }

    @Test
    void ignorePathsAreRecordedAndSignatureElsewhere() throws IOException {
        keygen();
        write(models.resolve("notes/todo.txt"), "later".getBytes(StandardCharsets.UTF_8));
        Path sig = tmp.resolve("out/models.sig");
        Files.createDirectories(sig.getParent());
        CliRun s = sign("--ignore-paths", "notes", "--signature", sig.toString());
        assertEquals(0, s.exitCode(), s::toString);
        assertFalse(Files.exists(models.resolve("model.sig")));
        write(models.resolve("notes/todo.txt"), "changed".getBytes(StandardCharsets.UTF_8));
        CliRun ok = verify("--signature", sig.toString());
        assertEquals(0, ok.exitCode(), ok::toString);
        assertTrue(ok.out().contains("not checked: notes"), ok::toString);
        assertEquals(1, verify().exitCode()); // no DIR/model.sig: not signed
    }

    @Test
    void verifyWithTheWrongKeyExitsOne() throws IOException {
        keygen();
        assertEquals(0, sign().exitCode());
        prefix = tmp.resolve("other");
        keygen();
        CliRun r = verify();
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().contains("which is not a trusted key"), r::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"mediaType\": 3}", "not json at all"})
    void malformedBundlesExitTwoWithoutAStackTrace(String content) throws IOException {
        keygen();
        Files.writeString(models.resolve("model.sig"), content);
        CliRun r = verify();
        assertEquals(2, r.exitCode(), r::toString);
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r::toString);
        assertTrue(r.err().startsWith("modelgate verify: "), r::toString);
    }

    @Test
    void truncatedBase64ExitsTwo() throws IOException {
        keygen();
        assertEquals(0, sign().exitCode());
        String json = Files.readString(models.resolve("model.sig"));
        int at = json.indexOf("\"sig\":\"") + 7;
        Files.writeString(models.resolve("model.sig"), json.substring(0, at + 5) + json.substring(json.indexOf('"', at)));
        CliRun r = verify();
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("not valid base64"), r::toString);
        assertFalse(r.err().contains("Exception"), r::toString);
    }

    @Test
    void badKeyFilesAndOptionMixesExitTwo() throws IOException {
        keygen();
        Files.writeString(tmp.resolve("junk.pem"), "junk");
        CliRun r = CliRun.of("verify", models.toString(), "--key=" + tmp.resolve("junk.pem"));
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("no PEM public key"), r::toString);
        assertEquals(2, CliRun.of("verify", models.toString(), "--key=" + tmp.resolve("none.pem")).exitCode());
        CliRun noDir = CliRun.of("verify", tmp.resolve("nodir").toString(), "--key=" + prefix + "-pub.pem");
        assertEquals(2, noDir.exitCode(), noDir::toString);
        assertTrue(noDir.err().contains("the model does not exist"), noDir::toString);
        assertEquals(2, verify("--model=" + tmp.resolve("tm.yaml")).exitCode());
        assertEquals(2, CliRun.of("verify", models.toString(), "--model=x.yaml", "--signature=x").exitCode());
        assertEquals(2, sign("--ignore-paths=../up").exitCode());
        assertEquals(2, CliRun.of("sign", tmp.resolve("nope").toString(), "--key=" + prefix + ".pem",
                "--passphrase-file", passFile.toString()).exitCode());
    }

    @Test
    void verifiesTheReferenceVectorFromTheCli() {
        Path vectors = Path.of("../shared/vectors/oms/scripts/tests");
        SharedFiles.require(vectors, "vector CLI test");
        String pub = vectors.resolve("keys/certificate/signing-key-pub.pem").toString();
        CliRun ok = CliRun.of("verify", vectors.resolve("v1.0.1-elliptic-key").toString(), "--key", pub,
                "--ignore-paths", "ignore-me");
        assertEquals(0, ok.exitCode(), ok::toString);
        CliRun strict = CliRun.of("verify", vectors.resolve("v1.0.1-elliptic-key").toString(), "--key", pub);
        assertEquals(1, strict.exitCode(), strict::toString);
        CliRun single = CliRun.of("verify", vectors.resolve("v0.3.1-elliptic-key/signme-1").toString(), "--key", pub);
        assertEquals(0, single.exitCode(), single::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"keygen", "sign"})
    void newCommandsHaveHelp(String command) {
        CliRun r = CliRun.of(command, "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("Usage: modelgate " + command), r::toString);
    }
}
