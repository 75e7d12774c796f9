package dev.modelgate.cli;

import static dev.modelgate.integrity.ModelDirs.comfyLayout;
import static dev.modelgate.integrity.ModelDirs.flipByte;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modelgate sign --pkcs11} against a real SoftHSM2 token made by the test: the token is initialised with
 * softhsm2-util, the key generated on it through SunPKCS11, the model signed in a child JVM (SoftHSM2 reads its
 * configuration from the environment), then verified with the exported public key. Skipped, loudly, only where
 * SoftHSM2 is not installed ({@code apt-get install softhsm2}; .ci/run installs it).
 */
class Pkcs11SignTest {

    static final List<Path> LIBRARIES = List.of(Path.of("/usr/lib/softhsm/libsofthsm2.so"),
            Path.of("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"),
            Path.of("/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"), Path.of("/usr/local/lib/softhsm/libsofthsm2.so"));
    static final String PIN = "246810";

    static Path library;

    @TempDir
    Path tmp;
    Path conf;
    Path config;
    Path pinFile;

    // Looked up once per class; whether the tests can run is decided per test in token().
    static {
        library = LIBRARIES.stream().filter(Files::isRegularFile).findFirst().orElse(null);
    }

    static final boolean util = Files.isExecutable(Path.of("/usr/bin/softhsm2-util"))
            || Files.isExecutable(Path.of("/usr/local/bin/softhsm2-util"));

    @BeforeEach
    void token() throws Exception {
        // Per test, so a machine without SoftHSM2 reports each test as skipped (a class-level assumption would
        // make the class vanish); CI installs it (.ci/run), so there its absence is a failure.
        String why = "SoftHSM2 is not installed (apt-get install softhsm2): PKCS#11 signing is NOT tested";
        if (library == null || !util) {
            if (dev.modelgate.testing.SharedFiles.ci()) {
                org.junit.jupiter.api.Assertions.fail("CI=true but " + why);
            }
            System.err.println("*** Pkcs11SignTest SKIPPED: " + why + " ***");
        }
        assumeTrue(library != null && util, why);
        Path tokens = Files.createDirectories(tmp.resolve("tokens"));
        conf = tmp.resolve("softhsm2.conf");
        Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        Proc init = run(List.of("softhsm2-util", "--init-token", "--free", "--label", "modelgate-test", "--pin", PIN,
                "--so-pin", "13579111"));
        assertEquals(0, init.exit(), init::toString);
        config = tmp.resolve("pkcs11.cfg");
        Files.writeString(config, "name = SoftHSM\nlibrary = " + library + "\nslotListIndex = 0\n");
        pinFile = tmp.resolve("pin.txt");
        Files.writeString(pinFile, PIN + "\n");
    }

    record Proc(int exit, String out) {
    }

    private Proc run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SOFTHSM2_CONF", conf.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child process timed out: " + command);
        return new Proc(p.exitValue(), out);
    }

    private Proc java(String main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private Path keyOnToken(String label, String curve) throws Exception {
        Path pub = tmp.resolve(label + "-pub.pem");
        Proc setup = java(Pkcs11TokenSetup.class.getName(), config.toString(), PIN, label, curve, pub.toString());
        assertEquals(0, setup.exit(), setup::toString);
        return pub;
    }

    private Proc sign(Path model, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("sign", model.toString(), "--pkcs11", config.toString()));
        args.addAll(List.of(extra));
        return java(ModelGateCli.class.getName(), args.toArray(String[]::new));
    }

    @Test
    void signOnTheTokenThenVerifyWithItsPublicKey() throws Exception {
        Path pub = keyOnToken("release", "secp384r1");
        Path model = comfyLayout(tmp.resolve("models"));
        Proc s = sign(model, "--pin-file", pinFile.toString());
        assertEquals(0, s.exit(), s::toString);
        assertTrue(s.out().contains("signed " + model + ": "), s::toString);
        CliRun ok = CliRun.of("verify", model.toString(), "--key", pub.toString());
        assertEquals(0, ok.exitCode(), ok::toString);
        assertTrue(ok.out().contains("signed by key 'release-pub.pem'"), ok::toString);

        flipByte(model.resolve("checkpoints/base.safetensors"), 10);
        CliRun bad = CliRun.of("verify", model.toString(), "--key", pub.toString());
        assertEquals(1, bad.exitCode(), bad::toString);
    }

    @Test
    void shardsSignedOnTheTokenVerify() throws Exception {
        Path pub = keyOnToken("shards", "secp256r1");
        Path model = comfyLayout(tmp.resolve("models"));
        Proc s = sign(model, "--pin-file", pinFile.toString(), "--shards", "--shard-size", "1024");
        assertEquals(0, s.exit(), s::toString);
        CliRun ok = CliRun.of("verify", model.toString(), "--key", pub.toString(), "--json");
        assertEquals(0, ok.exitCode(), ok::toString);
        assertTrue(ok.out().contains("\"serialization\":\"shards\""), ok::toString);
    }

    @Test
    void aWrongPinIsBadInputInOneSentence() throws Exception {
        keyOnToken("release", "secp256r1");
        Path model = comfyLayout(tmp.resolve("models"));
        Files.writeString(pinFile, "000000\n");
        Proc s = sign(model, "--pin-file", pinFile.toString());
        assertEquals(2, s.exit(), s::toString);
        assertTrue(s.out().contains("modelgate sign: --pkcs11 " + config + ": the token refused the login ("),
                s::toString);
        assertTrue(s.out().contains("check the PIN"), s::toString);
        assertFalse(s.out().contains("\tat "), s::toString);
        assertFalse(Files.exists(model.resolve("model.sig")));
    }

    @Test
    void twoKeysNeedALabelAndAnUnknownLabelIsNamed() throws Exception {
        keyOnToken("alpha", "secp256r1");
        Path pubB = keyOnToken("beta", "secp256r1");
        Path model = comfyLayout(tmp.resolve("models"));
        Proc none = sign(model, "--pin-file", pinFile.toString());
        assertEquals(2, none.exit(), none::toString);
        assertTrue(none.out().contains("the token holds 2 private keys with certificates"), none::toString);
        assertTrue(none.out().contains("choose one with --key-label"), none::toString);
        Proc unknown = sign(model, "--pin-file", pinFile.toString(), "--key-label", "gamma");
        assertEquals(2, unknown.exit(), unknown::toString);
        assertTrue(unknown.out().contains("no private key labelled 'gamma' with a certificate on the token"),
                unknown::toString);
        Proc beta = sign(model, "--pin-file", pinFile.toString(), "--key-label", "beta");
        assertEquals(0, beta.exit(), beta::toString);
        assertEquals(0, CliRun.of("verify", model.toString(), "--key", pubB.toString()).exitCode());
    }
}
