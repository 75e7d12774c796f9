package dev.modelgate.integrity;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures the verifier's start-up cost: with {@code MODELGATE_TIMING=<epoch nanoseconds at launch>} in
 * the environment (the benchmark script sets it just before starting the command), prints once to stderr
 * how long it took from launch to the first byte hashed. Off by default; one boolean test per file.
 */
public final class StartupClock {

    private static final String LAUNCH = System.getenv("MODELGATE_TIMING");
    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    private StartupClock() {
    }

    static void firstByteHashed() {
        if (LAUNCH == null || !REPORTED.compareAndSet(false, true)) {
            return;
        }
        Instant now = Instant.now();
        long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        long launchNanos;
        try {
            launchNanos = Long.parseLong(LAUNCH.trim());
        } catch (NumberFormatException e) {
            launchNanos = ProcessHandle.current().info().startInstant()
                    .map(i -> i.getEpochSecond() * 1_000_000_000L + i.getNano()).orElse(nowNanos);
        }
        System.err.printf("modelgate timing: first byte hashed %.1f ms after launch%n", (nowNanos - launchNanos) / 1e6);
    }
}
