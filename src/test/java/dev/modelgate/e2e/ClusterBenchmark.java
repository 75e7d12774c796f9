package dev.modelgate.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Benchmarks against the real control plane, run by hand (docs/benchmarks.md), never in the suite:
 * {@code -Dmodelgate.bench.cluster=true}. Figures are printed as {@code BENCH} lines.
 */
@ExtendWith(E2EExtension.class)
@EnabledIfSystemProperty(named = "modelgate.bench.cluster", matches = "true")
class ClusterBenchmark {

    static final int PODS = Integer.getInteger("modelgate.bench.pods", 1000);
    static final int MODELS = Integer.getInteger("modelgate.bench.models", 10000);
    static final String HISTOGRAM = "apiserver_admission_webhook_admission_duration_seconds";

    /**
     * 1,000 pod creations that declare a model (mutating and validating webhook both called), 4 client threads;
     * the latency the API server itself records for each webhook call, from its /metrics, before and after.
     */
    @Test
    void admissionLatencyAsTheApiServerRecordsIt() throws Exception {
        E2E.operator();
        ControlPlane cluster = E2E.cluster();
        KubernetesClient c = cluster.client();
        String ns = "bench-admission";
        Namespaces.optedIn(cluster, ns, "enforce");
        Fixtures.approve(cluster, ns, "bench-model");
        Fixtures.awaitModelReady(cluster, ns, "bench-model");
        // Warm-up: the JIT and the API server's connections to the webhook.
        for (int i = 0; i < 50; i++) {
            c.pods().inNamespace(ns).resource(Fixtures.podWithModels(ns, "warm-" + i, "bench-model")).create();
        }
        Map<String, Double> before = metrics(cluster.admin().ok("get", "--raw", "/metrics").out(), HISTOGRAM);
        long[] clientNanos = new long[PODS];
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < PODS; i++) {
            int n = i;
            done.add(pool.submit(() -> {
                Pod pod = Fixtures.podWithModels(ns, "p-" + n, "bench-model");
                long t = System.nanoTime();
                c.pods().inNamespace(ns).resource(pod).create();
                clientNanos[n] = System.nanoTime() - t;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Map<String, Double> after = metrics(cluster.admin().ok("get", "--raw", "/metrics").out(), HISTOGRAM);
        System.out.printf("BENCH admission: %d pods created in %.1f s (%.0f/s, 4 client threads)%n", PODS, seconds, PODS / seconds);
        for (String webhook : List.of("inject.pods.modelgate.dev", "validate.pods.modelgate.dev")) {
            report(webhook, before, after);
        }
        Arrays.sort(clientNanos);
        System.out.printf("BENCH admission client: pod create round trip p50 %.1f ms, p99 %.1f ms%n",
                clientNanos[PODS / 2] / 1e6, clientNanos[PODS * 99 / 100] / 1e6);
        cluster.admin().run("delete", "namespace", ns, "--wait=false");
    }

    /** Bucket deltas of one webhook's CREATE calls; quantiles interpolated inside buckets, as Prometheus does. */
    static void report(String webhook, Map<String, Double> before, Map<String, Double> after) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        double sum = 0;
        double count = 0;
        for (var e : after.entrySet()) {
            String k = e.getKey();
            if (!k.contains("name=\"" + webhook + "\"") || !k.contains("operation=\"CREATE\"")) {
                continue;
            }
            double delta = e.getValue() - before.getOrDefault(k, 0.0);
            Matcher le = Pattern.compile("le=\"([^\"]+)\"").matcher(k);
            if (k.startsWith(HISTOGRAM + "_bucket") && le.find()) {
                double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
                buckets.merge(bound, delta, Double::sum);
            } else if (k.startsWith(HISTOGRAM + "_sum")) {
                sum += delta;
            } else if (k.startsWith(HISTOGRAM + "_count")) {
                count += delta;
            }
        }
        StringBuilder cumulative = new StringBuilder();
        buckets.forEach((le, n) -> cumulative.append(" <=").append(le.isInfinite() ? "+Inf" : (le * 1000) + "ms").append(':')
                .append(String.format("%.0f", n)));
        System.out.printf("BENCH admission %s: %.0f calls, mean %.2f ms, p50 ~%.2f ms, p99 ~%.2f ms; cumulative%s%n", webhook,
                count, count == 0 ? 0 : sum / count * 1000, quantile(buckets, 0.5) * 1000, quantile(buckets, 0.99) * 1000,
                cumulative);
    }

    static double quantile(TreeMap<Double, Double> cumulative, double q) {
        double total = cumulative.lastEntry() == null ? 0 : cumulative.lastEntry().getValue();
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (var e : cumulative.entrySet()) {
            if (e.getValue() >= rank) {
                if (e.getKey().isInfinite()) {
                    return lowerBound;
                }
                double inBucket = e.getValue() - lowerCount;
                return lowerBound + (e.getKey() - lowerBound) * (inBucket == 0 ? 0 : (rank - lowerCount) / inBucket);
            }
            lowerBound = e.getKey();
            lowerCount = e.getValue();
        }
        return lowerBound;
    }

    /** Every sample line of the metrics whose name starts with {@code prefix}, by its full series text. */
    static Map<String, Double> metrics(String text, String prefix) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                int space = line.lastIndexOf(' ');
                out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return out;
    }

    static double total(Map<String, Double> series, String mustContain) {
        return series.entrySet().stream().filter(e -> e.getKey().contains(mustContain)).mapToDouble(Map.Entry::getValue).sum();
    }

    /**
     * N TrustedModels stored before the operator starts (a cold start, as after installing into a cluster whose
     * models came from Git); timed: operator start to every model Ready. Reference in the same run: the operator
     * stopped, a bare client applies N statuses on 10 threads (as many as the operator reconciles on).
     */
    @Test
    void trustedModelsReconcileToReadyAtScale() throws Exception {
        Installation installation = E2E.installed();
        ControlPlane cluster = installation.cluster;
        KubernetesClient c = cluster.client();
        String ns = "bench-scale";
        Fixtures.ensureSource(cluster);
        Namespaces.ensure(cluster, ns);
        Operators.stopRunning();

        Random random = new Random(42);
        long created = System.nanoTime();
        parallel(8, MODELS, i -> {
            byte[] digest = new byte[32];
            synchronized (random) {
                random.nextBytes(digest);
            }
            c.genericKubernetesResources(Fixtures.TRUSTED_MODELS).inNamespace(ns).resource(new GenericKubernetesResourceBuilder()
                    .withApiVersion("modelgate.dev/v1alpha1").withKind("TrustedModel").withNewMetadata().withName("m-" + i)
                    .withNamespace(ns).endMetadata()
                    .addToAdditionalProperties("spec", Map.of("source", Fixtures.SOURCE, "files", List.of(Map.of(
                            "path", "weights/model.safetensors", "sha256", HexFormat.of().formatHex(digest), "size", 4))))
                    .build()).create();
        });
        System.out.printf("BENCH scale: %d TrustedModels created in %.1f s (8 client threads, operator stopped)%n", MODELS,
                (System.nanoTime() - created) / 1e9);

        Map<String, Double> requestsBefore = metrics(cluster.admin().ok("get", "--raw", "/metrics").out(), "apiserver_request_total");
        long started = System.nanoTime();
        // -Dmodelgate.bench.operatorJvmOptions="-XX:StartFlightRecording=filename=/tmp/op.jfr" profiles the operator.
        List<String> jvm = new ArrayList<>(List.of("-Xmx512m"));
        String extra = System.getProperty("modelgate.bench.operatorJvmOptions", "").strip();
        if (!extra.isEmpty()) {
            jvm.addAll(List.of(extra.split("\\s+")));
        }
        OperatorProcess op = Operators.start(installation, Map.of(), jvm);
        double readyAt = -1;
        long peakHeap = 0;
        HttpClient http = HttpClient.newHttpClient();
        while (System.nanoTime() - started < Duration.ofMinutes(10).toNanos()) {
            String m = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + op.httpPort + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            peakHeap = Math.max(peakHeap, (long) total(metrics(m, "jvm_memory_used_bytes"), "area=\"heap\""));
            if (total(metrics(m, "modelgate_models"), "state=\"ready\"") >= MODELS) {
                readyAt = (System.nanoTime() - started) / 1e9;
                break;
            }
            Thread.sleep(500);
        }
        // The gauge counts judgements; the status writes land after them: list until every stored status is Ready.
        long ready = 0;
        while (System.nanoTime() - started < Duration.ofMinutes(15).toNanos()) {
            ready = c.genericKubernetesResources(Fixtures.TRUSTED_MODELS).inNamespace(ns).list().getItems().stream()
                    .filter(r -> Fixtures.conditionIs(r, "Ready", "True")).count();
            if (ready >= MODELS) {
                break;
            }
            Thread.sleep(2000);
        }
        double allReadyStored = (System.nanoTime() - started) / 1e9;
        long cpuTicks = cpuTicks(op.pid());
        Map<String, Double> requestsAfter = metrics(cluster.admin().ok("get", "--raw", "/metrics").out(), "apiserver_request_total");
        op.stop();
        System.out.printf("BENCH scale: operator start -> %d judged Ready (its gauge) %.1f s; -> %d Ready=True in the API server "
                + "(listed every 2 s) %.1f s; peak heap in use %d MiB (-Xmx512m); process CPU %.1f s%n", MODELS, readyAt,
                ready, allReadyStored, peakHeap >> 20, cpuTicks / 100.0);
        System.out.printf("BENCH scale: API requests during the run: %.0f in all, %.0f on trustedmodels/status%n",
                total(requestsAfter, "") - total(requestsBefore, ""),
                total(requestsAfter, "resource=\"trustedmodels\",scope=\"resource\",subresource=\"status\"")
                        - total(requestsBefore, "resource=\"trustedmodels\",scope=\"resource\",subresource=\"status\""));
        assertEquals(MODELS, ready, "models Ready=True in the API server");

        // Reference: the same number of status writes, server-side apply, 10 threads, shuffled, no operator.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < MODELS; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new Random(7));
        long ref = System.nanoTime();
        parallel(10, MODELS, i -> {
            int n = order.get(i);
            GenericKubernetesResource status = new GenericKubernetesResourceBuilder().withApiVersion("modelgate.dev/v1alpha1")
                    .withKind("TrustedModel").withNewMetadata().withName("m-" + n).withNamespace(ns).endMetadata()
                    .addToAdditionalProperties("status", Map.of("conditions", List.of(Map.of("type", "Ready", "status", "True",
                            "reason", "Reference", "message", "bare status write " + n,
                            "lastTransitionTime", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()))))
                    .build();
            c.genericKubernetesResources(Fixtures.TRUSTED_MODELS).inNamespace(ns).withName("m-" + n).subresource("status")
                    .patch(new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY).withFieldManager("bench-reference")
                            .withForce(true).build(), status);
        });
        System.out.printf("BENCH scale reference: %d bare status writes (server-side apply, 10 threads) %.1f s%n", MODELS,
                (System.nanoTime() - ref) / 1e9);
        cluster.admin().run("delete", "namespace", ns, "--wait=false");
    }

    interface Task {
        void run(int i) throws Exception;
    }

    static void parallel(int threads, int n, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            futures.add(pool.submit(() -> {
                task.run(k);
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
    }

    /** utime + stime of a process, in clock ticks (100 per second on Linux). */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
