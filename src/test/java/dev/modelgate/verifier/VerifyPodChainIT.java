package dev.modelgate.verifier;

import static dev.modelgate.policy.PlanFixtures.model;
import static dev.modelgate.policy.PlanFixtures.source;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.api.v1alpha1.ModelFile;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.integrity.ModelDirs;
import dev.modelgate.policy.PlanBuilder;
import dev.modelgate.policy.PlanFixtures;
import dev.modelgate.policy.PlanSettings;
import dev.modelgate.policy.PodContract;
import dev.modelgate.policy.VerificationPlan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain as in a cluster: TrustedModels and a ModelSource become a plan through {@link PlanBuilder}
 * (as the mutating webhook builds it), and {@code bin/modelgate verify-pod} runs as a separate process with
 * exactly the environment the webhook injects ({@code MODELGATE_PLAN}, {@code MODELGATE_PLAN_SHA256}) against
 * a temporary folder standing in for the model volume. Runs after {@code package}.
 */
class VerifyPodChainIT {

    static final Path REPO = Path.of(System.getProperty("modelgate.repo", ".")).toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();
    static final byte[] UNET = ModelVolume.safetensors(200_000, 21);
    static final byte[] VAE = ModelVolume.safetensors(9_000, 22);
    static final byte[] LORA = ModelVolume.safetensors(500, 23);

    static TestCa ca;
    static LoopbackHttps server;

    @TempDir
    Path tmp;
    Path volume;
    Path termination;

    @BeforeAll
    static void startServer() throws Exception {
        ca = new TestCa("VerifyPodChainIT CA");
        server = new LoopbackHttps(ca);
        server.route("/models/sdxl/unet.safetensors", LoopbackHttps.file(UNET))
                .route("/models/sdxl/vae.safetensors", LoopbackHttps.file(VAE))
                .route("/models/loras/style.safetensors", LoopbackHttps.file(LORA));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void dirs() throws Exception {
        volume = Files.createDirectories(tmp.resolve("volume"));
        termination = tmp.resolve("termination-log");
    }

    record Run(int exit, List<JsonNode> lines, String termination, String err) {
        JsonNode summary() {
            return lines.get(lines.size() - 1);
        }

        JsonNode line(String event, String path) {
            return lines.stream().filter(l -> event.equals(l.path("event").asText())
                    && path.equals(l.path("path").asText())).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + event + " line for " + path + ": " + lines));
        }
    }

    /** The cluster objects: two TrustedModels of one ModelSource with a pinned CA, every file with a url. */
    List<TrustedModel> models() {
        ModelFile unet = PlanFixtures.file("sdxl/unet.safetensors", ModelVolume.sha256(UNET), UNET.length,
                server.base() + "/models/sdxl/unet.safetensors");
        ModelFile vae = PlanFixtures.file("sdxl/vae.safetensors", ModelVolume.sha256(VAE), VAE.length,
                server.base() + "/models/sdxl/vae.safetensors");
        ModelFile lora = PlanFixtures.file("loras/style.safetensors", ModelVolume.sha256(LORA), LORA.length,
                server.base() + "/models/loras/style.safetensors");
        return List.of(model("comfyui", "sdxl-base", "test-origin", unet, vae),
                model("comfyui", "style-lora", "test-origin", lora));
    }

    Map<String, ModelSource> sources() throws Exception {
        return Map.of("test-origin", PlanFixtures.withCa(source("test-origin", server.base() + "/models"), ca.pem()));
    }

    VerificationPlan plan() throws Exception {
        return PlanBuilder.build(models(), sources(), PlanSettings.defaults().withRoot(volume.toString()));
    }

    void fillVolume() throws Exception {
        ModelDirs.write(volume.resolve("sdxl/unet.safetensors"), UNET);
        ModelDirs.write(volume.resolve("sdxl/vae.safetensors"), VAE);
        ModelDirs.write(volume.resolve("loras/style.safetensors"), LORA);
    }

    /** Runs {@code bin/modelgate verify-pod} with the webhook's env: nothing else of the test's environment. */
    Run verifyPod(String planJson, String planSha256) throws Exception {
        return verifyPod(planJson, planSha256, Map.of(), List.of(REPO.resolve("bin/modelgate").toString()));
    }

    /** The same with more variables, and {@code launcher} as the command before the verifier's arguments. */
    Run verifyPod(String planJson, String planSha256, Map<String, String> extraEnv, List<String> launcher)
            throws Exception {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put(PodContract.ENV_PLAN, planJson);
        env.put(PodContract.ENV_PLAN_SHA256, planSha256);
        env.put("MODELGATE_TERMINATION_LOG", termination.toString());
        env.put("PATH", System.getenv("PATH"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(PodContract.VERIFIER_ARGS);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().putAll(env);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "verify-pod did not finish");
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            lines.add(JSON.readTree(l));
        }
        String term = Files.exists(termination) ? Files.readString(termination) : "";
        return new Run(p.exitValue(), lines, term, Files.readString(err));
    }

    Run verifyPod(VerificationPlan plan) throws Exception {
        return verifyPod(plan.toJson(), plan.sha256());
    }

    @Test
    void aGoodVolumeStartsThePod() throws Exception {
        fillVolume();
        Run r = verifyPod(plan());
        assertEquals(0, r.exit(), r.toString());
        for (String p : List.of("sdxl/unet.safetensors", "sdxl/vae.safetensors", "loras/style.safetensors")) {
            JsonNode l = r.line("file", p);
            assertEquals("ok", l.get("result").asText(), l.toString());
            assertTrue(l.has("bytes") && l.has("ms"), l.toString());
        }
        assertEquals("ok", r.summary().get("result").asText());
        assertEquals(0, r.summary().get("downloaded").asLong());
        assertEquals(plan().sha256(), r.summary().get("planSha256").asText());
        assertEquals("modelgate: Verified: 3 files of 2 models verified (" + (UNET.length + VAE.length + LORA.length)
                + " bytes hashed)\n", r.termination());
    }

    @Test
    void aTamperedVolumeKeepsThePodInInit() throws Exception {
        fillVolume();
        ModelDirs.flipByte(volume.resolve("sdxl/unet.safetensors"), 150_000);
        Run r = verifyPod(plan());
        assertEquals(1, r.exit(), r.toString());
        assertEquals("digest-mismatch", r.line("file", "sdxl/unet.safetensors").get("result").asText());
        assertEquals("DigestMismatch", r.summary().get("code").asText());
        String first = r.termination().lines().findFirst().orElseThrow();
        assertTrue(first.startsWith("modelgate: DigestMismatch: sdxl/unet.safetensors: sha256 is "), first);
        assertTrue(first.endsWith(", expected " + ModelVolume.sha256(UNET)), first);
    }

    @Test
    void aStrayFileKeepsThePodInInit() throws Exception {
        fillVolume();
        ModelDirs.write(volume.resolve("loras/backdoor.ckpt"), new byte[] {(byte) 0x80, 2, 'N', '.'});
        Run r = verifyPod(plan());
        assertEquals(1, r.exit(), r.toString());
        assertEquals("modelgate: ExtraFile: loras/backdoor.ckpt: is not part of any declared model (strict mode); "
                + "remove it or add an ignore glob", r.termination().lines().findFirst().orElseThrow());
        assertEquals("extra", r.line("file", "loras/backdoor.ckpt").get("result").asText());
    }

    @Test
    void anEmptyVolumeIsDownloadedThenVerified() throws Exception {
        Run r = verifyPod(plan());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("ok", r.line("download", "sdxl/unet.safetensors").get("result").asText());
        assertEquals(UNET.length + VAE.length + LORA.length, r.summary().get("downloaded").asLong());
        assertArrayEquals(UNET, Files.readAllBytes(volume.resolve("sdxl/unet.safetensors")));
        assertArrayEquals(LORA, Files.readAllBytes(volume.resolve("loras/style.safetensors")));
        try (Stream<Path> s = Files.walk(volume)) {
            assertEquals(3, s.filter(Files::isRegularFile).count(), "no temporary files left");
        }
        assertTrue(r.termination().startsWith("modelgate: Verified: 3 files of 2 models verified ("),
                r.termination());
    }

    @Test
    void aPlanDigestMismatchIsExitTwo() throws Exception {
        fillVolume();
        VerificationPlan p = plan();
        String altered = p.toJson().replace("\"strict\":true", "\"strict\":false");
        Run r = verifyPod(altered, p.sha256());
        assertEquals(2, r.exit(), r.toString());
        assertEquals("PlanDigestMismatch", r.summary().get("code").asText());
        assertTrue(r.termination().startsWith("modelgate: PlanDigestMismatch: the plan's sha256 is "),
                r.termination());
    }

    @Test
    void aMalformedPlanIsExitTwoWithASentence() throws Exception {
        String broken = "{\"apiVersion\":\"modelgate.dev/plan/v1\",";
        Run r = verifyPod(broken, ModelVolume.sha256(broken.getBytes(StandardCharsets.UTF_8)));
        assertEquals(2, r.exit(), r.toString());
        String first = r.termination().lines().findFirst().orElseThrow();
        assertTrue(first.startsWith("modelgate: BadPlan: the plan is not valid JSON ("), first);
        assertEquals("BadPlan", r.summary().get("code").asText());
    }

    // ---- file names under the POSIX locale ----

    static final String ACCENTED = "loras/\u00e9t\u00e9-\u6a21\u578b.safetensors";

    VerificationPlan planWithAccentedFile() throws Exception {
        if (!"UTF-8".equals(System.getProperty("sun.jnu.encoding"))) {
            // skips the calling test only (this is not a class-level assumption)
            org.junit.jupiter.api.Assumptions.abort(
                "this JVM runs under a non-UTF-8 locale (sun.jnu.encoding " + System.getProperty("sun.jnu.encoding")
                        + "), so the test cannot create a non-ASCII file name; run the build with LANG=C.UTF-8");
        }
        ModelDirs.write(volume.resolve(ACCENTED), LORA);
        List<TrustedModel> models = new ArrayList<>(models());
        models.add(model("comfyui", "accented", "test-origin",
                PlanFixtures.file(ACCENTED, ModelVolume.sha256(LORA), LORA.length, null)));
        return PlanBuilder.build(models, sources(), PlanSettings.defaults().withRoot(volume.toString()));
    }

    /** java without the launcher, so nothing fixes the locale: the JVM encodes file names as ASCII. */
    static List<String> bareJava() {
        Path app = REPO.resolve("target/quarkus-app");
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                app.resolve("app") + "/*:" + app.resolve("lib/main") + "/*",
                "-Dslf4j.provider=org.slf4j.helpers.NOPServiceProvider", "dev.modelgate.cli.ModelGateCli");
    }

    @Test
    void theLauncherVerifiesNonAsciiNamesUnderLangC() throws Exception {
        fillVolume();
        VerificationPlan p = planWithAccentedFile();
        Run r = verifyPod(p.toJson(), p.sha256(), Map.of("LANG", "C", "LC_ALL", "C"),
                List.of(REPO.resolve("bin/modelgate").toString()));
        assertEquals(0, r.exit(), r.toString());
        assertEquals("ok", r.line("file", ACCENTED).get("result").asText(), r.toString());
    }

    @Test
    void withoutAUtf8LocaleANonAsciiNameEndsInAVerdictNotAnException() throws Exception {
        fillVolume();
        VerificationPlan p = planWithAccentedFile();
        Run r = verifyPod(p.toJson(), p.sha256(), Map.of("LANG", "C"), bareJava());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(!r.err().contains("Exception"), r.err());
        assertEquals("BadPlan", r.summary().get("code").asText());
        String first = r.termination().lines().findFirst().orElseThrow();
        assertEquals("modelgate: BadPlan: '" + ACCENTED + "' cannot be used as a file name: the verifier's JVM "
                + "encodes file names as US-ASCII (from the locale); run it with a UTF-8 locale (LC_ALL=C.UTF-8, as "
                + "bin/modelgate and the image set it)", first);

        // An undeclared non-ASCII file under the same locale: a stray like any other, named as well as ASCII allows.
        ModelDirs.write(volume.resolve("loras/\u00e9vil.ckpt"), new byte[] {1});
        Run stray = verifyPod(plan(), Map.of("LANG", "C"), bareJava());
        assertEquals(1, stray.exit(), stray.toString());
        assertEquals("ExtraFile", stray.summary().get("code").asText());
        assertTrue(stray.termination().startsWith("modelgate: ExtraFile: loras/"), stray.termination());
    }

    Run verifyPod(VerificationPlan plan, Map<String, String> env, List<String> launcher) throws Exception {
        return verifyPod(plan.toJson(), plan.sha256(), env, launcher);
    }
}
