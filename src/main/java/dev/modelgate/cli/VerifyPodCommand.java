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
import dev.modelgate.integrity.Outcome;
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

    /** The kubelet's termination message file; a field so tests can point it elsewhere. */
    static Path defaultTerminationLog = Path.of(PodContract.TERMINATION_MESSAGE_PATH);

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
            + "(default $" + ENV_TERMINATION_LOG + ", else " + PodContract.TERMINATION_MESSAGE_PATH
            + " when it exists, as in a container; it is never created).")
    Path terminationLog;

    @Option(names = "--threads", paramLabel = "N", description = "Files hashed at once (default: one per CPU).")
    Integer threads;

    @Option(names = "--download-attempts", paramLabel = "N", defaultValue = "5",
            description = "Tries per download; only transient failures are retried (default ${DEFAULT-VALUE}).")
    int downloadAttempts;

    @Option(names = "--download-min-rate", paramLabel = "BYTES_PER_S", defaultValue = "1048576",
            description = "Each download must average at least this rate: its deadline, all tries included, is "
                    + "--download-floor plus its declared size at this rate (default ${DEFAULT-VALUE}).")
    long downloadMinRate;

    @Option(names = "--download-floor", paramLabel = "SECONDS", defaultValue = "60",
            description = "The least time any one download may take, all tries included (default ${DEFAULT-VALUE}).")
    long downloadFloor;

    @Override
    public Integer call() {
        return run(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * The init-container's path: {@code verify-pod} with its options parsed here, without building picocli's
     * command model (the biggest start-up cost before the first byte is hashed). Returns null for anything it
     * does not recognise ({@code --help}, a bad option), and the caller goes through picocli instead, so
     * messages and help stay picocli's.
     */
    static Integer runDirect(String[] args, PrintWriter out, PrintWriter err) {
        VerifyPodCommand c = new VerifyPodCommand();
        c.downloadAttempts = 5;
        c.downloadMinRate = DownloadSettings.DEFAULT_MIN_RATE;
        c.downloadFloor = DownloadSettings.DEFAULT_DEADLINE_FLOOR.toSeconds();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value;
            String name;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length) {
                name = a;
                value = args[++i];
            } else {
                return null;
            }
            try {
                switch (name) {
                    case "--plan-file" -> c.planFile = Path.of(value);
                    case "--plan-sha256" -> c.planSha256 = value;
                    case "--root" -> c.root = Path.of(value);
                    case "--termination-log" -> c.terminationLog = Path.of(value);
                    case "--threads" -> c.threads = Integer.parseInt(value);
                    case "--download-attempts" -> c.downloadAttempts = Integer.parseInt(value);
                    case "--download-min-rate" -> c.downloadMinRate = Long.parseLong(value);
                    case "--download-floor" -> c.downloadFloor = Long.parseLong(value);
                    default -> {
                        return null;
                    }
                }
            } catch (RuntimeException e) {
                return null; // picocli says what is wrong with the value
            }
        }
        return c.run(out, err);
    }

    int run(PrintWriter out, PrintWriter err) {
        String usage = usageProblem();
        if (usage != null) {
            // A mistake on the command line, as picocli reports its own: nothing was looked at, no summary.
            err.println("modelgate verify-pod: " + usage);
            err.println("Try 'modelgate verify-pod --help'.");
            err.flush();
            return Outcome.BAD_INPUT.exitCode();
        }
        long start = System.nanoTime();
        PodReport report;
        String planDigest = null;
        try {
            String json = readPlan();
            planDigest = HexFormat.of().formatHex(Sha256.newDigest().digest(json.getBytes(StandardCharsets.UTF_8)));
            report = verify(json, planDigest, start);
        } catch (PlanProblem p) {
            report = PodReport.refused(p.code, p.getMessage(), (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            // Fail closed with a verdict: the pod must never start on an exception nobody reported.
            report = PodReport.refused(unexpected(e), (System.nanoTime() - start) / 1_000_000);
        }
        try {
            print(report, planDigest, out, err);
        } catch (RuntimeException e) {
            err.println("modelgate verify-pod: cannot report the verdict (" + e + ")");
            err.flush();
        }
        return report.exitCode();
    }

    /** What is wrong with the options themselves, or null. */
    String usageProblem() {
        if (threads != null && threads < 1) {
            return "--threads must be at least 1 (got " + threads + ")";
        }
        if (downloadAttempts < 1) {
            return "--download-attempts must be at least 1 (got " + downloadAttempts + ")";
        }
        if (downloadMinRate < 1) {
            return "--download-min-rate must be at least 1 byte per second (got " + downloadMinRate + ")";
        }
        if (downloadFloor < 1) {
            return "--download-floor must be at least 1 second (got " + downloadFloor + ")";
        }
        return null;
    }

    /** The verdict for an exception that escaped every other handler. */
    static PodReport.Refusal unexpected(Throwable e) {
        if (e instanceof java.nio.file.InvalidPathException bad) {
            return new PodReport.Refusal(ReasonCode.IoFailure, PodVerifier.encodingProblem(bad.getInput()));
        }
        if (e instanceof java.io.UncheckedIOException u) {
            return new PodReport.Refusal(ReasonCode.IoFailure, "the volume could not be read ("
                    + u.getCause().getMessage() + ")");
        }
        return new PodReport.Refusal(ReasonCode.VerifierError, "internal error in the verifier (" + e
                + "); nothing was verified, the pod does not start");
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
            options = options.withThreads(threads);
        }
        DownloadSettings downloads = DownloadSettings.defaults().withAttempts(downloadAttempts)
                .withDeadline(java.time.Duration.ofSeconds(downloadFloor), downloadMinRate);
        Path dir = root != null ? root : Path.of(plan.root());
        return new PodVerifier(options, downloads, Clock.systemUTC()).verify(plan, dir);
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

    private void print(PodReport r, String planDigest, PrintWriter out, PrintWriter err) {
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
        String fromEnv = System.getenv(ENV_TERMINATION_LOG);
        if (log == null && fromEnv != null && !fromEnv.isBlank()) {
            log = Path.of(fromEnv);
        }
        String problem;
        if (log != null) {
            problem = TerminationMessage.write(log, r);
        } else {
            // No log named: write the kubelet's file only where the kubelet made it (in a container). It is never
            // created, so a run by hand as root does not leave a file in the host's /dev.
            problem = TerminationMessage.writeExisting(defaultTerminationLog, r);
        }
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
