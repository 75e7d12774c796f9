package dev.modelgate.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one real control plane of this JVM ({@code ../shared/k8s/control-plane.sh}: kube-apiserver v1.24,
 * kube-controller-manager, kine on SQLite, all on loopback ports picked at start). Started on first use, stopped
 * by the pids the script recorded when the test run ends (JUnit store close, and a shutdown hook as a backstop).
 */
public final class ControlPlane {

    /** Exit code of control-plane.sh when a prerequisite of this machine is missing (binary, libsqlite3). */
    private static final int MISSING_PREREQUISITE = 2;

    private static ControlPlane instance;
    private static String unavailable;

    final Path dir;
    final Path script;
    final Path kubelite;
    final int apiPort;
    final Path kubeconfig;
    private final Map<String, String> env;
    private final Kubectl admin;
    private KubernetesClient client;

    private ControlPlane(Path dir, Path script, Map<String, String> env) {
        this.dir = dir;
        this.script = script;
        this.kubelite = script.getParent().resolve("kubelite");
        this.env = env;
        this.apiPort = Integer.parseInt(env.get("API_PORT"));
        this.kubeconfig = dir.resolve("kubeconfig");
        this.admin = new Kubectl(kubelite, kubeconfig, E2E.work().resolve("kubectl"));
    }

    /** Where the control plane lives: env MODELGATE_K8S_DIR, else {@code ../shared/k8s} next to the checkout. */
    static Path home() {
        String override = System.getenv("MODELGATE_K8S_DIR");
        return override != null && !override.isBlank() ? Path.of(override).toAbsolutePath()
                : E2E.repo().resolve("../shared/k8s").normalize();
    }

    /** Why the control plane cannot run here, or null when it can (or has not been tried yet). */
    static synchronized String whyUnavailable() {
        if (unavailable == null && instance == null) {
            Path script = home().resolve("control-plane.sh");
            if (!Files.isRegularFile(script) || !Files.isExecutable(home().resolve("kubelite"))) {
                unavailable = "no Kubernetes control plane at " + home() + " (control-plane.sh and kubelite; set MODELGATE_K8S_DIR)";
            }
        }
        return unavailable;
    }

    /** The running control plane, started on first call. */
    static synchronized ControlPlane get() {
        if (instance != null) {
            return instance;
        }
        if (whyUnavailable() != null) {
            throw new IllegalStateException(unavailable);
        }
        Path dir = E2E.work().resolve("control-plane");
        Path script = home().resolve("control-plane.sh");
        try {
            stopStale(dir);
            deleteRecursively(dir);
            Files.createDirectories(dir);
            Path log = E2E.work().resolve("control-plane-start.log");
            Process p = new ProcessBuilder(script.toString(), "start", dir.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("control-plane.sh start did not finish in 180 s; see " + log);
            }
            Map<String, String> env = readEnv(dir.resolve("env"));
            if (p.exitValue() != 0) {
                if (env.containsKey("APISERVER_PID")) {
                    stop(script, dir);
                }
                String output = Files.readString(log).strip();
                if (p.exitValue() == MISSING_PREREQUISITE) {
                    unavailable = "the control plane cannot run on this machine: " + output;
                    throw new IllegalStateException(unavailable);
                }
                throw new AssertionError("control-plane.sh start failed (exit " + p.exitValue() + "): " + output
                        + "\nlogs in " + dir);
            }
            ControlPlane cp = new ControlPlane(dir, script, env);
            Runtime.getRuntime().addShutdownHook(new Thread(E2EExtension.Teardown::stopEverything, "e2e-stop"));
            instance = cp;
            return cp;
        } catch (IOException e) {
            throw new AssertionError("could not start the control plane: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while starting the control plane", e);
        }
    }

    static synchronized boolean started() {
        return instance != null;
    }

    /** kubectl as cluster-admin. */
    public Kubectl admin() {
        return admin;
    }

    /** kubectl with another kubeconfig (the operator's ServiceAccount, a test user). */
    public Kubectl kubectl(Path otherKubeconfig) {
        return new Kubectl(kubelite, otherKubeconfig, E2E.work().resolve("kubectl"));
    }

    /** A Fabric8 client as cluster-admin, for reading and for the writes only a kubelet or the test makes. */
    public synchronized KubernetesClient client() {
        if (client == null) {
            try {
                Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
                config.setRequestTimeout(30_000);
                client = new KubernetesClientBuilder().withConfig(config).build();
            } catch (IOException e) {
                throw new AssertionError("cannot read " + kubeconfig, e);
            }
        }
        return client;
    }

    public String server() {
        return "https://127.0.0.1:" + apiPort;
    }

    public Path caCertificate() {
        return dir.resolve("certs/apiserver.crt");
    }

    /** The admin bearer token (for the API server's /metrics). */
    public String adminToken() {
        try {
            return Files.readString(dir.resolve("tokens.csv")).split(",", 2)[0].strip();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    public Path apiServerLog() {
        return dir.resolve("apiserver.log");
    }

    synchronized void stop() {
        if (client != null) {
            client.close();
            client = null;
        }
        stop(script, dir);
    }

    private static void stop(Path script, Path dir) {
        try {
            Process p = new ProcessBuilder(script.toString(), "stop", dir.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            System.err.println("e2e: could not stop the control plane in " + dir + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static synchronized void stopIfStarted() {
        if (instance != null) {
            instance.stop();
        }
    }

    /**
     * A run killed before its teardown leaves its processes behind: stop those recorded in {@code dir/env}, each only
     * when its command line still names {@code dir} (a recycled pid is left alone).
     */
    private static void stopStale(Path dir) throws IOException {
        Map<String, String> env = readEnv(dir.resolve("env"));
        for (var e : env.entrySet()) {
            if (!e.getKey().endsWith("_PID")) {
                continue;
            }
            long pid = Long.parseLong(e.getValue().strip());
            Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
            if (Files.exists(cmdline) && new String(Files.readAllBytes(cmdline)).contains(dir.toString())) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    h.destroy();
                    try {
                        h.onExit().get(10, TimeUnit.SECONDS);
                    } catch (Exception notYet) {
                        h.destroyForcibly();
                    }
                });
            }
        }
    }

    private static Map<String, String> readEnv(Path file) throws IOException {
        Map<String, String> env = new HashMap<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    env.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        return env;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    List<String> pids() {
        return env.entrySet().stream().filter(e -> e.getKey().endsWith("_PID")).map(Map.Entry::getValue).toList();
    }
}
