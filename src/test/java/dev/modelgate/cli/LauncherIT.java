package dev.modelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelgate.integrity.ModelDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's second command, for real: {@code bin/modelgate} against the packaged application, in a
 * separate process, as a user runs it. Runs in the integration-test phase, after {@code package}.
 */
class LauncherIT {

    static final Path REPO = Path.of(System.getProperty("modelgate.repo", ".")).toAbsolutePath();
    static final Path LAUNCHER = REPO.resolve("bin/modelgate");

    record Result(int exit, String out, String err) {
    }

    static Result run(List<String> prefix, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(LAUNCHER.toString());
        cmd.addAll(List.of(args));
        Path outFile = Files.createTempFile("mg-out", ".txt");
        Path errFile = Files.createTempFile("mg-err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "modelgate did not finish: " + cmd);
        Result r = new Result(p.exitValue(), Files.readString(outFile), Files.readString(errFile));
        Files.delete(outFile);
        Files.delete(errFile);
        return r;
    }

    @Test
    void demoRunsFromTheLauncher() throws Exception {
        Result r = run(List.of(), "demo");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("demo: every step behaved as expected"), r.out());
    }

    @Test
    void versionAndHelpWork() throws Exception {
        Result v = run(List.of(), "--version");
        assertEquals(0, v.exit(), v.err());
        assertTrue(v.out().startsWith("modelgate "), v.out());
        Result h = run(List.of(), "--help");
        assertTrue(h.out().contains("Exit codes:"), h.out());
    }

    /**
     * Every pipeline log starts with what the launcher writes to stderr: verify, check and demo must write
     * nothing there when they succeed (no logging-binding warnings, no stack traces).
     */
    @Test
    void successfulRunsLeaveStderrEmpty() throws Exception {
        Result demo = run(List.of(), "demo");
        assertEquals(0, demo.exit(), demo.out() + demo.err());
        assertEquals("", demo.err());

        Path base = Files.createDirectories(REPO.resolve("target/it-clean-stderr"));
        Path dir = Files.createTempDirectory(base, "models");
        ModelDirs.cleanComfyLayout(dir);
        Path yaml = base.resolve(dir.getFileName() + ".yaml");
        Result approve = run(List.of(), "approve", dir.toString(), "--name", "m", "--source", "s", "-o", yaml.toString());
        assertEquals(0, approve.exit(), approve.err());
        assertEquals("", approve.err());
        Result verify = run(List.of(), "verify", dir.toString(), "--model", yaml.toString());
        assertEquals(0, verify.exit(), verify.out() + verify.err());
        assertEquals("", verify.err());

        Result check = run(List.of(), "check", "--policy", REPO.resolve(CheckCommandTest.POLICY).toString(),
                "--at", CheckCommandTest.AT,
                REPO.resolve(CheckCommandTest.FIXTURES + "workloads/comfyui-deployment.yaml").toString());
        assertEquals(0, check.exit(), check.out() + check.err());
        assertEquals("", check.err());
        assertTrue(check.out().startsWith("allow Deployment comfyui/comfyui"), check.out());
    }

    /**
     * An unreadable model file ends in exit 3 (I/O failure) with the file named. Permissions do not stop
     * root, so as root the launcher runs as {@code nobody} through setpriv.
     */
    @Test
    void unreadableFileIsAnIoFailure() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> prefix = root ? List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups") : List.of();
        if (root) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) || Files.isExecutable(Path.of("/bin/setpriv")),
                    "running as root without setpriv: cannot make a file unreadable");
            assumeTrue(traversableByOthers(REPO), "the checkout is not readable by other users: " + REPO);
        }
        Path base = Files.createDirectories(REPO.resolve("target/it-unreadable"));
        Path dir = Files.createTempDirectory(base, "models");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        ModelDirs.comfyLayout(dir);
        openUp(dir);
        Path yaml = base.resolve(dir.getFileName() + ".yaml");
        Result approve = run(List.of(), "approve", dir.toString(), "--name", "m", "--source", "s", "-o", yaml.toString());
        assertEquals(0, approve.exit(), approve.err());
        Files.setPosixFilePermissions(yaml, PosixFilePermissions.fromString("rw-r--r--"));
        Path locked = dir.resolve("vae/vae.safetensors");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));

        Result r = run(prefix, "verify", dir.toString(), "--model", yaml.toString());
        assertEquals(3, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("vae/vae.safetensors: cannot be read (permission denied)"), r.err());
    }

    private static void openUp(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    private static boolean traversableByOthers(Path p) throws IOException {
        for (Path q = p; q != null; q = q.getParent()) {
            String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(q));
            if (perms.charAt(8) != 'x') {
                return false;
            }
        }
        return true;
    }

    static String text(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
