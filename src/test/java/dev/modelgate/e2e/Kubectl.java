package dev.modelgate.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** kubectl (the control plane's own, v1.24) as a user runs it, against one kubeconfig. */
public final class Kubectl {

    /** What one kubectl run printed and returned. */
    public record Result(List<String> command, int exit, String out, String err) {

        public boolean ok() {
            return exit == 0;
        }

        @Override
        public String toString() {
            return "$ kubectl " + String.join(" ", command) + "\nexit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private final Path binary;
    private final Path kubeconfig;
    private final Path scratch;

    Kubectl(Path binary, Path kubeconfig, Path scratch) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.scratch = scratch;
    }

    public Result run(String... args) {
        return runWithInput(null, args);
    }

    /** Runs kubectl with {@code input} on stdin (for {@code -f -}); null for none. */
    public Result runWithInput(String input, String... args) {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "kubectl", "--kubeconfig", kubeconfig.toString()));
        cmd.addAll(List.of(args));
        try {
            Files.createDirectories(scratch);
            Path out = Files.createTempFile(scratch, "kubectl", ".out");
            Path err = Files.createTempFile(scratch, "kubectl", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (input == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            }
            Process p = pb.start();
            if (input != null) {
                try (var stdin = p.getOutputStream()) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("kubectl did not finish in 90 s: " + String.join(" ", args));
            }
            Result r = new Result(List.of(args), p.exitValue(), Files.readString(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new AssertionError("kubectl could not be run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while kubectl ran", e);
        }
    }

    /** Runs kubectl and fails the test when it does not exit 0. */
    public Result ok(String... args) {
        Result r = run(args);
        if (!r.ok()) {
            throw new AssertionError("kubectl failed:\n" + r);
        }
        return r;
    }

    public Result okWithInput(String input, String... args) {
        Result r = runWithInput(input, args);
        if (!r.ok()) {
            throw new AssertionError("kubectl failed:\n" + r);
        }
        return r;
    }
}
