package dev.modelgate.cli;

import dev.modelgate.integrity.EngineOptions;
import dev.modelgate.integrity.Sha256;
import dev.modelgate.policy.PodContract;
import dev.modelgate.policy.VerificationPlan;
import dev.modelgate.verifier.PodReport;
import dev.modelgate.verifier.PodVerifier;
import dev.modelgate.verifier.ReasonCode;
import dev.modelgate.verifier.TerminationMessage;
import dev.modelgate.verifier.VerifierEvent;
import dev.modelgate.verifier.ContentScan;
import dev.modelgate.verifier.download.DownloadSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code modelgate verify-pod}: the verifier init-container. Reads the plan the mutating webhook embedded
 * ({@code MODELGATE_PLAN}), checks its digest against the pod annotation ({@code MODELGATE_PLAN_SHA256}),
 * downloads what is missing, verifies the volume, and reports: JSON lines on stdout, a short message in the
 * termination log, and the exit code (0 ok, 1 verification failed, 2 bad plan, 3 download or I/O failure).
 */
@Command(name = "verify-pod",
        description = {"Verify a pod's model volume against the plan the ModelGate webhook embedded "
                + "(the init-container's command).",
                "The plan comes from $" + PodContract.ENV_PLAN + " (or --plan-file), its digest from $"
                        + PodContract.ENV_PLAN_SHA256 + " (or --plan-sha256)."},
        mixinStandardHelpOptions = true)
final class VerifyPodCommand implements Callable<Integer> {

    static final String ENV_TERMINATION_LOG = "MODELGATE_TERMINATION_LOG";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--plan-file", paramLabel = "FILE", description = "Read the plan from FILE instead of $"
            + PodContract.ENV_PLAN + ".")
    Path planFile;

    @Option(names = "--plan-sha256", paramLabel = "HEX", description = "Expected plan digest instead of $"
            + PodContract.ENV_PLAN_SHA256 + ".")
    String planSha256;

    @Option(names = "--root", paramLabel = "DIR", description = "Verify DIR instead of the plan's root.")
    Path root;

    @Option(names = "--termination-log", paramLabel = "FILE", description = "Where the short message goes "
            + "(default $" + ENV_TERMINATION_LOG + ", else " + PodContract.TERMINATION_MESSAGE_PATH + ").")
    Path terminationLog;

    @Option(names = "--threads", paramLabel = "N", description = "Files hashed at once (default: one per CPU).")
    Integer threads;

    @Option(names = "--download-attempts", paramLabel = "N", defaultValue = "5",
            description = "Tries per download; only transient failures are retried (default ${DEFAULT-VALUE}).")
    int downloadAttempts;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        PodReport report;
        String planDigest = null;
        try {
            String json = readPlan();
            planDigest = HexFormat.of().formatHex(Sha256.newDigest().digest(json.getBytes(StandardCharsets.UTF_8)));
            report = verify(json, planDigest, start);
        } catch (PlanProblem p) {
            report = PodReport.refused(p.code, p.getMessage(), (System.nanoTime() - start) / 1_000_000);
        }
        print(report, planDigest);
        return report.exitCode();
    }

    private PodReport verify(String json, String actual, long start) throws PlanProblem {
        String expected = planSha256 != null ? planSha256 : System.getenv(PodContract.ENV_PLAN_SHA256);
        if (expected == null || expected.isBlank()) {
            throw new PlanProblem(ReasonCode.BadPlan, "$" + PodContract.ENV_PLAN_SHA256 + " is not set; the webhook "
                    + "sets it from the pod annotation " + PodContract.ANNOTATION_PLAN_SHA256
                    + ", so this pod was not admitted through ModelGate");
        }
        if (!expected.trim().equalsIgnoreCase(actual)) {
            throw new PlanProblem(ReasonCode.PlanDigestMismatch, "the plan's sha256 is " + actual + " but the pod "
                    + "annotation " + PodContract.ANNOTATION_PLAN_SHA256 + " says " + expected.trim()
                    + "; the plan was changed after admission, recreate the pod");
        }
        VerificationPlan plan;
        try {
            plan = VerificationPlan.fromJson(json);
        } catch (IllegalArgumentException e) {
            throw new PlanProblem(ReasonCode.BadPlan, e.getMessage());
        }
        EngineOptions options = EngineOptions.defaults();
        if (threads != null) {
            if (threads < 1) {
                throw new PlanProblem(ReasonCode.BadPlan, "--threads must be at least 1");
            }
            options = options.withThreads(threads);
        }
        DownloadSettings downloads = DownloadSettings.defaults().withAttempts(Math.max(1, downloadAttempts));
        Path dir = root != null ? root : Path.of(plan.root());
        return new PodVerifier(options, downloads, Clock.systemUTC(), new ContentScan()).verify(plan, dir);
    }

    private String readPlan() throws PlanProblem {
        if (planFile != null) {
            try {
                return Files.readString(planFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new PlanProblem(ReasonCode.BadPlan, "--plan-file " + planFile + " cannot be read ("
                        + e.getMessage() + ")");
            }
        }
        String json = System.getenv(PodContract.ENV_PLAN);
        if (json == null || json.isBlank()) {
            throw new PlanProblem(ReasonCode.BadPlan, "$" + PodContract.ENV_PLAN + " is not set; the ModelGate "
                    + "webhook injects it into the " + PodContract.INIT_CONTAINER_NAME + " init-container");
        }
        return json;
    }

    private void print(PodReport r, String planDigest) {
        PrintWriter out = spec.commandLine().getOut();
        for (VerifierEvent e : r.events()) {
            out.println(Json.line(e));
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("event", "summary");
        s.put("result", r.ok() ? "ok" : "failed");
        s.put("code", r.code());
        s.put("reason", r.message());
        s.put("exitCode", r.exitCode());
        s.put("files", r.files());
        s.put("failed", r.failures());
        s.put("bytes", r.bytes());
        s.put("downloaded", r.downloaded());
        s.put("ms", r.millis());
        s.put("planSha256", planDigest);
        out.println(Json.line(s));
        out.flush();
        Path log = terminationLog;
        if (log == null) {
            String fromEnv = System.getenv(ENV_TERMINATION_LOG);
            log = Path.of(fromEnv != null && !fromEnv.isBlank() ? fromEnv : PodContract.TERMINATION_MESSAGE_PATH);
        }
        String problem = TerminationMessage.write(log, r);
        PrintWriter err = spec.commandLine().getErr();
        err.print(TerminationMessage.of(r).lines().findFirst().orElse("") + System.lineSeparator());
        if (problem != null) {
            err.println("modelgate verify-pod: " + problem);
        }
        err.flush();
    }

    /** A refusal before the volume is looked at. */
    private static final class PlanProblem extends Exception {
        final ReasonCode code;

        PlanProblem(ReasonCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
