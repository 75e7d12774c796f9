package dev.modelgate.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application ({@code target/quarkus-app/quarkus-run.jar}, prod profile) as a separate process,
 * with the {@code modelgate} ServiceAccount's kubeconfig and the out-of-cluster webhook mode
 * ({@code MODELGATE_WEBHOOK_URL}). Its log goes to {@code target/e2e/<name>.log}.
 */
public final class OperatorProcess {

    public final String name;
    public final int httpPort;
    public final int webhookPort;
    /** The URL written into the webhook configurations (this process, or a balancer in front of several). */
    public final String webhookUrl;
    public final Path log;
    private final Process process;

    private OperatorProcess(String name, int httpPort, int webhookPort, String webhookUrl, Path log, Process process) {
        this.name = name;
        this.httpPort = httpPort;
        this.webhookPort = webhookPort;
        this.webhookUrl = webhookUrl;
        this.log = log;
        this.process = process;
    }

    /** Starts one operator; {@code webhookUrl} null means its own port on localhost. */
    public static OperatorProcess start(Installation installation, String name, Integer webhookPort, String webhookUrl,
            Map<String, String> extraEnv) {
        // Quick start and a small footprint for the suite (several builds share the machine); benchmarks pass their own.
        return start(installation, name, webhookPort, webhookUrl, extraEnv,
                List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    }

    public static OperatorProcess start(Installation installation, String name, Integer webhookPort, String webhookUrl,
            Map<String, String> extraEnv, List<String> jvmOptions) {
        Path jar = E2E.repo().resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("the packaged application is missing: " + jar + " (./mvnw package runs before the e2e suite)");
        }
        int http = freePort();
        int https = webhookPort != null ? webhookPort : freePort();
        String url = webhookUrl != null ? webhookUrl : "https://localhost:" + https;
        Path log = E2E.work().resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(E2E.work().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("KUBERNETES_") || k.startsWith("MODELGATE_") || k.startsWith("QUARKUS_")
                || k.equals("KUBECONFIG"));
        env.put("KUBECONFIG", installation.operatorKubeconfig.toString());
        // A pod's host name: the leader-election identity of the replica.
        env.put("HOSTNAME", name);
        env.put("MODELGATE_OPERATOR_NAMESPACE", Installation.NAMESPACE);
        env.put("MODELGATE_WEBHOOK_URL", url);
        env.put("MODELGATE_WEBHOOK_PORT", Integer.toString(https));
        env.put("QUARKUS_HTTP_PORT", Integer.toString(http));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.putAll(extraEnv);
        try {
            Files.createDirectories(log.getParent());
            return new OperatorProcess(name, http, https, url, log, pb.start());
        } catch (IOException e) {
            throw new AssertionError("cannot start the operator: " + e.getMessage(), e);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** The exit status; only once the process has ended. */
    public int exitValue() {
        return process.exitValue();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Waits until /q/health/ready answers 200 (informer caches synced, webhook server up). */
    public OperatorProcess awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("operator " + name + " exited with " + process.exitValue() + " before it was ready\n" + logTail(80));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            sleep(250);
        }
        throw new AssertionError("operator " + name + " not ready after " + timeout + " (last: " + last + ")\n" + logTail(80));
    }

    /** SIGTERM, as the kubelet stops a container; SIGKILL after 20 s. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL: a crash, no graceful shutdown. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    public String logTail(int lines) {
        List<String> all = logText().lines().toList();
        return "--- last " + Math.min(lines, all.size()) + " lines of " + log + " ---\n"
                + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError("no free port", e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
