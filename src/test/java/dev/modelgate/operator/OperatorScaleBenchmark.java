package dev.modelgate.operator;

import static dev.modelgate.policy.PolicyFixtures.SHA_A;
import static dev.modelgate.policy.PolicyFixtures.file;
import static dev.modelgate.policy.PolicyFixtures.model;
import static dev.modelgate.policy.PolicyFixtures.source;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelgate.api.v1alpha1.Condition;
import dev.modelgate.api.v1alpha1.ConditionType;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Scale benchmark, run by hand (docs/benchmarks.md). Not part of the normal run: enabled by
 * {@code -Dmodelgate.bench.models=N}.
 *
 * <p>Two modes ({@code -Dmodelgate.bench.mode}):
 * <ul>
 * <li>{@code cold} (default): N TrustedModels already exist when the operator starts, as after installing ModelGate
 * into a cluster whose models came from Git, or after a restart that lost the caches. The figure is operator start to
 * every model Ready in the API server; the creation time is printed apart, because it measures the mock server.</li>
 * <li>{@code live}: the operator runs while the N models are created; the figure is first create to all Ready.</li>
 * </ul>
 * Heap figures cover the whole JVM: operator, mock API server (which holds every object as JSON) and test client.
 */
@QuarkusTest
@TestProfile(OperatorScaleBenchmark.OperatorStartedByTheBenchmark.class)
@WithKubernetesTestServer(crud = true)
@EnabledIfSystemProperty(named = "modelgate.bench.models", matches = "\\d+")
class OperatorScaleBenchmark {

    /** The operator waits for the benchmark, so models can exist before it starts. */
    public static class OperatorStartedByTheBenchmark implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.operator-sdk.start-operator", "false",
                    "quarkus.operator-sdk.close-client-on-stop", "false");
        }
    }

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry registry;

    @Inject
    Operator operator;

    @KubernetesTestServer
    KubernetesServer mockServer;

    @Test
    void modelsReconcileToReady() throws Exception {
        int n = Integer.getInteger("modelgate.bench.models");
        boolean cold = !"live".equals(System.getProperty("modelgate.bench.mode", "cold"));
        HeapSampler heap = new HeapSampler();
        heap.start();

        client.resources(ModelSource.class).resource(source("bench-src", "https://models.example.com/bench/"))
                .create();
        if (!cold) {
            operator.start();
        }
        long createStart = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int i = 0; i < n; i++) {
            TrustedModel tm = model("bench", "m-" + i, "bench-src", file("m.safetensors", SHA_A, 3, null));
            int count = i + 1;
            pool.execute(() -> {
                client.resources(TrustedModel.class).inNamespace("bench").resource(tm).create();
                if (count % 1000 == 0) {
                    System.out.printf("BENCH progress created>=%d at %.1fs ready=%.0f peakHeap=%dMiB%n", count,
                            seconds(createStart), ready(), heap.peakUsed() >> 20);
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.MINUTES);
        double createSeconds = seconds(createStart);
        long gcBefore = gcMillis();
        int requestsBefore = mockServer.getKubernetesMockServer().getRequestCount();
        long cpuBefore = processCpuNanos();
        long start = cold ? System.nanoTime() : createStart;
        if (cold) {
            System.out.printf("BENCH created %d models in %.1fs with the operator stopped; starting it%n", n,
                    createSeconds);
            operator.start();
        }
        long lastReport = System.nanoTime();
        while (ready() < n) {
            Thread.sleep(20);
            if (System.nanoTime() - lastReport > 2_000_000_000L) {
                lastReport = System.nanoTime();
                System.out.printf("BENCH progress at %.1fs ready=%.0f%n", seconds(start), ready());
            }
        }
        double judged = seconds(start);
        // The gauge moves when the verdict is made; the status patch lands a moment later.
        long readyInApi = 0;
        for (int tries = 0; tries < 1200 && readyInApi < n; tries++) {
            readyInApi = readyInApi();
            if (readyInApi < n) {
                Thread.sleep(250);
            }
        }
        double done = seconds(start);
        int requests = mockServer.getKubernetesMockServer().getRequestCount() - requestsBefore;
        double cpu = (processCpuNanos() - cpuBefore) / 1e9;
        System.out.printf("BENCH mode=%s models=%d create=%.1fs allJudgedReady=%.1fs allReadyInApi=%.1fs "
                + "apiRequests=%d processCpu=%.1fs peakHeapUsed=%dMiB peakHeapAfterGc=%dMiB maxHeap=%dMiB gcDuringReconcile=%dms%n",
                cold ? "cold" : "live", n, createSeconds, judged, done, requests, cpu, heap.peakUsed() >> 20,
                heap.peakAfterGc() >> 20, Runtime.getRuntime().maxMemory() >> 20, gcMillis() - gcBefore);
        heap.interrupt();
        assertEquals(n, readyInApi, "every model is Ready in the API server, not only in the operator's gauge");
        if (cold) {
            referenceStatusWrites(n);
        }
    }

    /**
     * The reference in the same run: the operator stopped, a bare client writes every model's status once, with as
     * many threads as the operator reconciles on. The mock server keeps all objects in one list behind one lock, so
     * each write costs time in proportion to the number of objects stored; this is that floor.
     */
    private void referenceStatusWrites(int n) throws InterruptedException {
        operator.stop();
        // The application's own client, so the reference pays what the operator's requests pay.
        KubernetesClient bare = client;
        List<TrustedModel> models = new ArrayList<>(
                bare.resources(TrustedModel.class).inNamespace("bench").list().getItems());
        // The list comes in the mock server's storage order, in which each lookup would find its object at once;
        // shuffled, each write pays the average lookup the operator's writes pay.
        Collections.shuffle(models, new Random(42));
        int threads = Integer.getInteger("modelgate.bench.threads", 10);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        long cpuBefore = processCpuNanos();
        for (TrustedModel tm : models) {
            pool.execute(() -> {
                tm.getStatus().setPods(tm.getStatus().getPods() == null ? 1 : tm.getStatus().getPods() + 1);
                bare.resource(tm).patchStatus();
            });
        }
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.MINUTES);
        System.out.printf("BENCH reference: %d status writes by a bare client on %d threads took %.1fs "
                + "processCpu=%.1fs%n", models.size(), threads, seconds(start), (processCpuNanos() - cpuBefore) / 1e9);
        assertEquals(n, models.size());
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /** Samples heap in use (live objects and garbage) and the heap left after each collection (live objects). */
    private static final class HeapSampler extends Thread {
        private final AtomicLong peakUsed = new AtomicLong();
        private final AtomicLong peakAfterGc = new AtomicLong();

        HeapSampler() {
            super("heap-sampler");
            setDaemon(true);
        }

        @Override
        public void run() {
            Runtime rt = Runtime.getRuntime();
            while (!isInterrupted()) {
                peakUsed.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                long afterGc = 0;
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                        afterGc += pool.getCollectionUsage().getUsed();
                    }
                }
                peakAfterGc.accumulateAndGet(afterGc, Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long peakUsed() {
            return peakUsed.get();
        }

        long peakAfterGc() {
            return peakAfterGc.get();
        }
    }

    private long readyInApi() {
        return client.resources(TrustedModel.class).inNamespace("bench").list().getItems().stream()
                .filter(tm -> tm.getStatus() != null && Condition.find(tm.getStatus().getConditions(),
                        ConditionType.READY).map(c -> Condition.TRUE.equals(c.getStatus())).orElse(false))
                .count();
    }

    private double ready() {
        var gauge = registry.find("modelgate.models").tag("state", "ready").gauge();
        return gauge == null ? 0 : gauge.value();
    }
}
