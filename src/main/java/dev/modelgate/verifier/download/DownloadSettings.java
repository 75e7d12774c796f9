package dev.modelgate.verifier.download;

import java.time.Duration;

/**
 * How hard the downloader tries.
 *
 * @param attempts       tries per file, the first included; only transient failures are retried
 * @param firstBackoff   wait before the second try; doubled before each further one, up to {@code maxBackoff}
 * @param maxBackoff     longest wait between tries
 * @param connectTimeout TCP + TLS connect limit
 * @param readTimeout    longest silence while reading headers or body
 * @param maxRedirects   redirects followed per try (each to https:// only)
 * @param resume         continue a partial download with an HTTP Range request (its bytes are hashed again)
 * @param deadlineFloor  the least time one file may take, all tries and waits included
 * @param minRate        bytes per second a download must average: a file's deadline is
 *                       {@code deadlineFloor + size / minRate}, so a server that trickles bytes just inside the read
 *                       timeout still ends
 */
public record DownloadSettings(int attempts, Duration firstBackoff, Duration maxBackoff, Duration connectTimeout,
        Duration readTimeout, int maxRedirects, boolean resume, Duration deadlineFloor, long minRate) {

    /** 60 s: enough for TLS, a redirect or two and a retry of a small file on a slow link. */
    public static final Duration DEFAULT_DEADLINE_FLOOR = Duration.ofSeconds(60);

    /** 1 MiB/s: a 7 GB checkpoint may take about two hours, a trickle of one byte a minute ends after one. */
    public static final long DEFAULT_MIN_RATE = 1L << 20;

    public DownloadSettings {
        if (attempts < 1) {
            throw new IllegalArgumentException("download attempts must be at least 1");
        }
        if (deadlineFloor.isNegative() || deadlineFloor.isZero()) {
            throw new IllegalArgumentException("the download deadline floor must be positive");
        }
        if (minRate < 1) {
            throw new IllegalArgumentException("the minimum download rate must be at least 1 byte per second");
        }
    }

    public DownloadSettings(int attempts, Duration firstBackoff, Duration maxBackoff, Duration connectTimeout,
            Duration readTimeout, int maxRedirects, boolean resume) {
        this(attempts, firstBackoff, maxBackoff, connectTimeout, readTimeout, maxRedirects, resume,
                DEFAULT_DEADLINE_FLOOR, DEFAULT_MIN_RATE);
    }

    /** 5 tries, 1 s first backoff up to 30 s, 30 s connect, 60 s read silence, 5 redirects, resume on, 60 s + 1 MiB/s. */
    public static DownloadSettings defaults() {
        return new DownloadSettings(5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofSeconds(60), 5, true);
    }

    public DownloadSettings withAttempts(int value) {
        return new DownloadSettings(value, firstBackoff, maxBackoff, connectTimeout, readTimeout, maxRedirects, resume,
                deadlineFloor, minRate);
    }

    public DownloadSettings withBackoff(Duration first, Duration max) {
        return new DownloadSettings(attempts, first, max, connectTimeout, readTimeout, maxRedirects, resume,
                deadlineFloor, minRate);
    }

    public DownloadSettings withReadTimeout(Duration value) {
        return new DownloadSettings(attempts, firstBackoff, maxBackoff, connectTimeout, value, maxRedirects, resume,
                deadlineFloor, minRate);
    }

    public DownloadSettings withResume(boolean value) {
        return new DownloadSettings(attempts, firstBackoff, maxBackoff, connectTimeout, readTimeout, maxRedirects,
                value, deadlineFloor, minRate);
    }

    public DownloadSettings withDeadline(Duration floor, long bytesPerSecond) {
        return new DownloadSettings(attempts, firstBackoff, maxBackoff, connectTimeout, readTimeout, maxRedirects,
                resume, floor, bytesPerSecond);
    }

    /** The whole time a file of {@code size} bytes may take: the floor plus the size at the minimum rate. */
    public Duration deadlineFor(long size) {
        double seconds = (double) Math.max(0, size) / minRate;
        // Capped at about a century: a deadline, however generous, must stay representable.
        return deadlineFloor.plusNanos((long) Math.min(seconds * 1e9, 3e18));
    }

    /** The wait before try number {@code attempt} (2 = first retry). */
    public Duration backoffBefore(int attempt) {
        long ms = firstBackoff.toMillis();
        for (int i = 2; i < attempt && ms < maxBackoff.toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
    }
}
