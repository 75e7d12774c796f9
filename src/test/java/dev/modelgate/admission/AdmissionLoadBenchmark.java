package dev.modelgate.admission;

import static dev.modelgate.policy.AdmissionFixtures.object;
import static dev.modelgate.policy.AdmissionFixtures.podFromTemplate;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.policy.AdmissionFixtures;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * Load benchmark of the webhooks on loopback, run by hand (not part of the test suite: the class name does not
 * end in Test). Boots the application against the mock API server, loads the fixtures, then sends AdmissionReviews
 * at a fixed rate (open loop: requests are scheduled on the clock, not after the previous answer) alternating
 * /mutate of a fresh ComfyUI pod and /validate of the mutated pod, and prints p50/p99/max latency and errors.
 *
 * <pre>
 * ./mvnw -B test -Dtest=AdmissionLoadBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dmodelgate.cds.skip=true \
 *     -Dbench.rate=1000 -Dbench.seconds=60 -Dbench.connections=16
 * </pre>
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class AdmissionLoadBenchmark {

    @Inject
    KubernetesClient client;

    @Inject
    KubernetesSerialization serialization;

    @Inject
    AdmissionCaches caches;

    @Inject
    WebhookServer server;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Test
    void load() throws Exception {
        int rate = Integer.getInteger("bench.rate", 1000);
        int seconds = Integer.getInteger("bench.seconds", 60);
        int warmup = Integer.getInteger("bench.warmup", 10);
        for (String f : List.of("policy/namespaces.yaml", "policy/sources.yaml", "policy/models.yaml")) {
            for (JsonNode doc : AdmissionFixtures.documents(f)) {
                Class<? extends HasMetadata> type = switch (doc.path("kind").asText()) {
                    case "TrustedModel" -> TrustedModel.class;
                    case "ModelSource" -> ModelSource.class;
                    case "Namespace" -> Namespace.class;
                    default -> PersistentVolumeClaim.class;
                };
                client.resource(serialization.convertValue(doc, type)).createOr(op -> op.update());
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> caches.synced()
                && caches.claimLabels("mlx", "mlx-weights").isPresent());

        String ca = new String(Base64.getDecoder().decode(client.secrets().inNamespace("modelgate-system")
                .withName("modelgate-webhook-tls").get().getData().get("ca-bundle.crt")), StandardCharsets.UTF_8);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", dev.modelgate.admission.tls.WebhookCertificates.parseCertificates(ca).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build();
        URI base = URI.create("https://localhost:" + server.port() + "/");

        ObjectNode pod = podFromTemplate(object("workloads/comfyui-deployment.yaml"), "comfyui-7d9f8-x2x9q");
        byte[] mutateBody = WebhookClient.JSON.writeValueAsBytes(WebhookClient.review("CREATE", pod, null, null,
                "system:serviceaccount:kube-system:replicaset-controller"));
        WebhookClient.Answer first = new WebhookClient(base, ca).post("mutate", mutateBody);
        JsonNode mutated = JsonPatch.apply(first.patch(), pod);
        byte[] validateBody = WebhookClient.JSON.writeValueAsBytes(WebhookClient.review("CREATE", mutated, null, null,
                "system:serviceaccount:kube-system:replicaset-controller"));
        System.out.printf("bench: bodies %d bytes (mutate) and %d bytes (validate)%n", mutateBody.length,
                validateBody.length);

        String external = System.getProperty("bench.external");
        if (external != null) {
            serveExternalLoad(java.nio.file.Path.of(external), base, ca, mutateBody, validateBody);
            return;
        }
        run(http, base, mutateBody, validateBody, rate, warmup, "warm-up");
        ServerTimes before = ServerTimes.now(registry);
        run(http, base, mutateBody, validateBody, rate, seconds, "measured");
        ServerTimes.now(registry).minus(before).print("measured");
    }

    /**
     * For a load generator in another process: writes the bodies, the URL and the CA into {@code dir}, answers until
     * {@code dir/stop} appears, and prints the server's own times to answer between {@code dir/mark} and the stop.
     */
    private void serveExternalLoad(java.nio.file.Path dir, URI base, String ca, byte[] mutateBody,
            byte[] validateBody) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.write(dir.resolve("mutate.json"), mutateBody);
        java.nio.file.Files.write(dir.resolve("validate.json"), validateBody);
        java.nio.file.Files.writeString(dir.resolve("ca.crt"), ca);
        java.nio.file.Files.writeString(dir.resolve("url"), base.toString());
        System.out.println("bench: serving " + base + " until " + dir.resolve("stop") + " exists");
        ServerTimes mark = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (!java.nio.file.Files.exists(dir.resolve("stop")) && System.nanoTime() < deadline) {
            if (mark == null && java.nio.file.Files.exists(dir.resolve("mark"))) {
                mark = ServerTimes.now(registry);
            }
            Thread.sleep(20);
        }
        ServerTimes end = ServerTimes.now(registry);
        (mark == null ? end : end.minus(mark)).print("external");
    }

    /**
     * The server's own time to answer (modelgate_admission_duration_seconds, both webhooks), from the histogram
     * buckets: a percentile is reported as the upper bound of the bucket it falls in.
     */
    private record ServerTimes(double[] bounds, double[] cumulative, long count, double totalNanos, double denials) {

        static ServerTimes now(io.micrometer.core.instrument.MeterRegistry registry) {
            double[] bounds = null;
            double[] cumulative = null;
            long count = 0;
            double total = 0;
            for (io.micrometer.core.instrument.Timer t : registry.find("modelgate_admission_duration").timers()) {
                var snap = t.takeSnapshot();
                var buckets = snap.histogramCounts();
                if (bounds == null) {
                    bounds = new double[buckets.length];
                    cumulative = new double[buckets.length];
                    for (int i = 0; i < buckets.length; i++) {
                        bounds[i] = buckets[i].bucket(TimeUnit.MILLISECONDS);
                    }
                }
                for (int i = 0; i < buckets.length; i++) {
                    cumulative[i] += buckets[i].count();
                }
                count += snap.count();
                total += snap.total(TimeUnit.NANOSECONDS);
            }
            double denials = registry.find("modelgate_admissions_total").tag("decision", "deny").counters().stream()
                    .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
            return new ServerTimes(bounds, cumulative, count, total, denials);
        }

        ServerTimes minus(ServerTimes earlier) {
            double[] c = cumulative.clone();
            for (int i = 0; i < c.length; i++) {
                c[i] -= earlier.cumulative[i];
            }
            return new ServerTimes(bounds, c, count - earlier.count, totalNanos - earlier.totalNanos,
                    denials - earlier.denials);
        }

        double percentile(double p) {
            for (int i = 0; i < bounds.length; i++) {
                if (cumulative[i] >= p * count) {
                    return bounds[i];
                }
            }
            return Double.POSITIVE_INFINITY;
        }

        void print(String label) {
            System.out.printf("bench %s, server time to answer: %d answers, mean %.3f ms, p50 <= %.3f ms, "
                    + "p99 <= %.3f ms, p99.9 <= %.3f ms, denials %.0f (none expected)%n", label, count,
                    count == 0 ? 0 : totalNanos / count / 1e6, percentile(0.5), percentile(0.99), percentile(0.999),
                    denials);
        }
    }

    private static void run(HttpClient http, URI base, byte[] mutateBody, byte[] validateBody, int rate, int seconds,
            String label) throws Exception {
        int total = rate * seconds;
        long[] latency = new long[total];
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger denied = new AtomicInteger();
        CompletableFuture<?>[] all = new CompletableFuture<?>[total];
        // At most this many requests in flight: the JDK client opens one connection per in-flight request, and
        // the API server keeps a bounded set of keep-alive connections to a webhook too.
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(
                Integer.getInteger("bench.connections", 16));
        long periodNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            inFlight.acquire();
            boolean mutate = (i & 1) == 0;
            int n = i;
            HttpRequest req = HttpRequest.newBuilder(base.resolve(mutate ? "mutate" : "validate"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(mutate ? mutateBody : validateBody)).build();
            all[i] = http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((r, e) -> {
                // Latency from the scheduled time, so a stall is not hidden by sending late (coordinated omission).
                latency[n] = System.nanoTime() - due;
                inFlight.release();
                if (e != null || r.statusCode() != 200) {
                    errors.incrementAndGet();
                } else if (!new String(r.body(), StandardCharsets.UTF_8).contains("\"allowed\":true")) {
                    denied.incrementAndGet();
                }
            });
        }
        CompletableFuture.allOf(all).exceptionally(e -> null).get(120, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] sorted = latency.clone();
        Arrays.sort(sorted);
        System.out.printf("bench %s: %d requests in %.1f s (%.0f/s offered %d/s), p50 %.2f ms, p90 %.2f ms, "
                + "p99 %.2f ms, p99.9 %.2f ms, max %.2f ms, errors %d, unexpected denials %d%n", label, total, elapsed,
                total / elapsed, rate, sorted[total / 2] / 1e6, sorted[(int) (total * 0.9)] / 1e6,
                sorted[(int) (total * 0.99)] / 1e6, sorted[(int) (total * 0.999)] / 1e6, sorted[total - 1] / 1e6,
                errors.get(), denied.get());
    }
}
