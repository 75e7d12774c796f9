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
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Scale benchmark, run by hand (docs/benchmarks.md): creates N TrustedModels against the mock API server and reports
 * the time until the operator has judged all of them Ready, and the peak heap of the JVM (operator, mock server and
 * client together). Not part of the normal run: enabled by {@code -Dmodelgate.bench.models=N}.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@EnabledIfSystemProperty(named = "modelgate.bench.models", matches = "\\d+")
class OperatorScaleBenchmark {

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry registry;

    @Test
    void modelsReconcileToReady() throws Exception {
        int n = Integer.getInteger("modelgate.bench.models");
        AtomicLong peakHeap = new AtomicLong();
        Thread sampler = new Thread(() -> {
            Runtime rt = Runtime.getRuntime();
            while (!Thread.currentThread().isInterrupted()) {
                peakHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();

        client.resources(ModelSource.class).resource(source("bench-src", "https://models.example.com/bench/"))
                .create();
        final long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int i = 0; i < n; i++) {
            TrustedModel tm = model("bench", "m-" + i, "bench-src", file("m.safetensors", SHA_A, 3, null));
            int count = i + 1;
            pool.execute(() -> {
                client.resources(TrustedModel.class).inNamespace("bench").resource(tm).create();
                if (count % 1000 == 0) {
                    System.out.printf("BENCH progress created>=%d at %.1fs ready=%.0f peakHeap=%dMiB%n", count,
                            (System.nanoTime() - start) / 1e9, ready(), peakHeap.get() >> 20);
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.MINUTES);
        long created = System.nanoTime();
        while (ready() < n) {
            Thread.sleep(20);
        }
        long judged = System.nanoTime();
        // The gauge moves when the verdict is made; the status patch lands a moment later.
        long readyInApi = 0;
        for (int tries = 0; tries < 600 && readyInApi < n; tries++) {
            readyInApi = readyInApi();
            if (readyInApi < n) {
                Thread.sleep(500);
            }
        }
        long done = System.nanoTime();
        sampler.interrupt();
        System.out.printf("BENCH models=%d create=%.1fs allJudgedReady=%.1fs allReadyInApi=%.1fs peakHeap=%dMiB "
                + "maxHeap=%dMiB%n", n, (created - start) / 1e9, (judged - start) / 1e9, (done - start) / 1e9,
                peakHeap.get() >> 20, Runtime.getRuntime().maxMemory() >> 20);
        assertEquals(n, readyInApi, "every model is Ready in the API server, not only in the operator's gauge");
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
