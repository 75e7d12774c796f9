package dev.modelgate.cli;

import static dev.modelgate.policy.PlanFixtures.model;
import static dev.modelgate.policy.PlanFixtures.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.api.v1alpha1.ModelFile;
import dev.modelgate.integrity.ModelDirs;
import dev.modelgate.policy.VerificationPlan;
import dev.modelgate.verifier.ModelVolume;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelgate verify-pod} in-process, with the plan in a file; the env form runs in VerifyPodChainIT. */
class VerifyPodCommandTest {

    @TempDir
    Path tmp;

    Path volume;
    Path planFile;
    Path termination;
    VerificationPlan plan;

    @BeforeEach
    void setUp() throws Exception {
        volume = Files.createDirectories(tmp.resolve("volume"));
        ModelFile f = ModelVolume.put(volume, "checkpoints/base.safetensors", ModelVolume.safetensors(4096, 5));
        plan = ModelVolume.plan(volume, List.of(model("comfyui", "base", "src", f)),
                Map.of("src", source("src", "https://models.example/")));
        planFile = tmp.resolve("plan.json");
        Files.writeString(planFile, plan.toJson());
        termination = tmp.resolve("termination-log");
    }

    CliRun verifyPod(String... extra) {
        List<String> args = new ArrayList<>(List.of("verify-pod", "--plan-file", planFile.toString(),
                "--termination-log", termination.toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    static List<JsonNode> lines(String out) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            lines.add(Json.MAPPER.readTree(l));
        }
        return lines;
    }

    String terminationLog() throws Exception {
        return Files.readString(termination, StandardCharsets.UTF_8);
    }

    @Test
    void aGoodVolumeExitsZeroWithAFileLineAndASummary() throws Exception {
        CliRun r = verifyPod("--plan-sha256", plan.sha256());
        assertEquals(0, r.exitCode(), r.toString());
        List<JsonNode> lines = lines(r.out());
        assertEquals(2, lines.size(), r.out());
        JsonNode file = lines.get(0);
        assertEquals("file", file.get("event").asText());
        assertEquals("checkpoints/base.safetensors", file.get("path").asText());
        assertEquals("ok", file.get("result").asText());
        assertTrue(file.has("bytes") && file.has("ms"), file.toString());
        JsonNode summary = lines.get(1);
        assertEquals("summary", summary.get("event").asText());
        assertEquals("ok", summary.get("result").asText());
        assertEquals("Verified", summary.get("code").asText());
        assertEquals(plan.sha256(), summary.get("planSha256").asText());
        assertEquals("modelgate: Verified: 1 file of 1 model verified (" + file.get("bytes").asLong()
                + " bytes hashed)\n", terminationLog());
    }

    @Test
    void aPlanDigestMismatchExitsTwo() throws Exception {
        String wrong = "0".repeat(64);
        CliRun r = verifyPod("--plan-sha256", wrong);
        assertEquals(2, r.exitCode(), r.toString());
        String sentence = "the plan's sha256 is " + plan.sha256() + " but the pod annotation modelgate.dev/plan-sha256 "
                + "says " + wrong + "; the plan was changed after admission, recreate the pod";
        assertEquals("modelgate: PlanDigestMismatch: " + sentence, terminationLog().lines().findFirst().orElseThrow());
        JsonNode summary = lines(r.out()).get(0);
        assertEquals("PlanDigestMismatch", summary.get("code").asText());
        assertEquals(sentence, summary.get("reason").asText());
        assertEquals(2, summary.get("exitCode").asInt());
    }

    @Test
    void aMalformedPlanExitsTwoWithOneSentence() throws Exception {
        String broken = plan.toJson().substring(0, 40);
        Files.writeString(planFile, broken);
        CliRun r = verifyPod("--plan-sha256", ModelVolume.sha256(broken.getBytes(StandardCharsets.UTF_8)));
        assertEquals(2, r.exitCode(), r.toString());
        String first = terminationLog().lines().findFirst().orElseThrow();
        assertTrue(first.startsWith("modelgate: BadPlan: the plan is not valid JSON ("), first);
        assertEquals(3, terminationLog().lines().count(), terminationLog());
    }

    @Test
    void aMissingDigestIsABadPlan() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("MODELGATE_PLAN_SHA256") == null,
                "MODELGATE_PLAN_SHA256 is set in this test's environment");
        CliRun r = verifyPod();
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("modelgate: BadPlan: $MODELGATE_PLAN_SHA256 is not set; the webhook sets it from the pod "
                + "annotation modelgate.dev/plan-sha256, so this pod was not admitted through ModelGate",
                terminationLog().lines().findFirst().orElseThrow());
    }

    @Test
    void aTamperedFileExitsOneAndTheRootCanBeOverridden() throws Exception {
        Path copy = Files.createDirectories(tmp.resolve("copy/checkpoints"));
        Files.copy(volume.resolve("checkpoints/base.safetensors"), copy.resolve("base.safetensors"));
        ModelDirs.flipByte(copy.resolve("base.safetensors"), 3000);
        CliRun r = verifyPod("--plan-sha256", plan.sha256(), "--root", tmp.resolve("copy").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(terminationLog().startsWith("modelgate: DigestMismatch: checkpoints/base.safetensors: sha256 is "),
                terminationLog());
        assertEquals("digest-mismatch", lines(r.out()).get(0).get("result").asText());
        assertEquals("DigestMismatch", lines(r.out()).get(0).get("code").asText());
        assertTrue(r.err().startsWith("modelgate: DigestMismatch: "), r.err());
    }

    @Test
    void anUnwritableTerminationLogDoesNotChangeTheVerdict() throws Exception {
        CliRun r = CliRun.of("verify-pod", "--plan-file", planFile.toString(), "--plan-sha256", plan.sha256(),
                "--termination-log", tmp.resolve("no/such/dir/log").toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("modelgate verify-pod: cannot write the termination message to "), r.err());
    }

    @Test
    void theInitContainerPathParsesItsOwnOptionsAndLeavesTheRestToPicocli() throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        Integer code = VerifyPodCommand.runDirect(new String[] {"--plan-file", planFile.toString(),
            "--plan-sha256=" + plan.sha256(), "--termination-log", termination.toString(), "--threads", "1"},
                new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        assertEquals(0, code, out + "" + err);
        assertTrue(out.toString().contains("\"event\":\"summary\",\"result\":\"ok\""), out.toString());
        assertEquals(null, VerifyPodCommand.runDirect(new String[] {"--help"}, new java.io.PrintWriter(out),
                new java.io.PrintWriter(err)));
        assertEquals(null, VerifyPodCommand.runDirect(new String[] {"--threads", "many"}, new java.io.PrintWriter(out),
                new java.io.PrintWriter(err)));
        CliRun bad = CliRun.of("verify-pod", "--threads", "many");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("'many' is not an int"), bad.err());
    }

    @Test
    void threadsZeroIsAUsageErrorNamingTheOption() throws Exception {
        for (String[] args : List.of(new String[] {"--threads", "0"}, new String[] {"--threads=-2"},
                new String[] {"--download-attempts", "0"})) {
            CliRun r = verifyPod(args);
            assertEquals(2, r.exitCode(), r::toString);
            String option = args[0].startsWith("--threads") ? "--threads" : "--download-attempts";
            assertTrue(r.err().startsWith("modelgate verify-pod: " + option + " must be at least 1 (got "), r::toString);
            assertTrue(r.err().contains("Try 'modelgate verify-pod --help'."), r::toString);
            assertTrue(r.out().isEmpty(), "a usage error is not a verdict: no summary line");
            assertTrue(!Files.exists(termination), "nor a termination message");
        }
        // The init-container path (its own option parser) says the same.
        java.io.StringWriter err = new java.io.StringWriter();
        Integer code = VerifyPodCommand.runDirect(new String[] {"--plan-file", planFile.toString(), "--threads", "0"},
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err, true));
        assertEquals(2, code);
        assertTrue(err.toString().contains("--threads must be at least 1 (got 0)"), err.toString());
    }

    /** By hand, without --termination-log: the kubelet's file is written only where it already exists. */
    @Test
    void theDefaultTerminationLogIsNeverCreated() throws Exception {
        Path devLog = tmp.resolve("dev-termination-log");
        Path saved = VerifyPodCommand.defaultTerminationLog;
        VerifyPodCommand.defaultTerminationLog = devLog;
        try {
            assertEquals(null, System.getenv(VerifyPodCommand.ENV_TERMINATION_LOG), "test needs the variable unset");
            CliRun r = CliRun.of("verify-pod", "--plan-file", planFile.toString(), "--plan-sha256", plan.sha256());
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(!Files.exists(devLog), "created on a host that has no termination log");
            assertTrue(!r.err().contains("cannot write"), r::toString);

            Files.writeString(devLog, ""); // in a container the kubelet has made it
            CliRun again = CliRun.of("verify-pod", "--plan-file", planFile.toString(), "--plan-sha256", plan.sha256());
            assertEquals(0, again.exitCode(), again::toString);
            assertTrue(Files.readString(devLog).startsWith("modelgate: Verified: "), Files.readString(devLog));
        } finally {
            VerifyPodCommand.defaultTerminationLog = saved;
        }
    }

    @Test
    void anUnexpectedExceptionIsAVerdictWithATerminationMessage() {
        dev.modelgate.verifier.PodReport.Refusal r = VerifyPodCommand.unexpected(
                new java.nio.file.InvalidPathException("loras/\u00e9t\u00e9.safetensors", "Malformed input"));
        assertEquals(dev.modelgate.verifier.ReasonCode.IoFailure, r.code());
        assertTrue(r.message().contains("run it with a UTF-8 locale (LC_ALL=C.UTF-8"), r.message());
        dev.modelgate.verifier.PodReport.Refusal bug = VerifyPodCommand.unexpected(new IllegalStateException("x"));
        assertEquals(dev.modelgate.verifier.ReasonCode.VerifierError, bug.code());
        assertEquals(2, bug.code().exitCode());
    }
}
