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
 */
public record DownloadSettings(int attempts, Duration firstBackoff, Duration maxBackoff, Duration connectTimeout,
        Duration readTimeout, int maxRedirects, boolean resume) {

    public DownloadSettings {
        if (attempts < 1) {
            throw new IllegalArgumentException("download attempts must be at least 1");
        }
    }

    /** 5 tries, 1 s first backoff up to 30 s, 30 s connect, 60 s read silence, 5 redirects, resume on. */
    public static DownloadSettings defaults() {
        return new DownloadSettings(5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofSeconds(60), 5, true);
    }

    public DownloadSettings withAttempts(int value) {
        return new DownloadSettings(value, firstBackoff, maxBackoff, connectTimeout, readTimeout, maxRedirects, resume);
    }

    public DownloadSettings withBackoff(Duration first, Duration max) {
        return new DownloadSettings(attempts, first, max, connectTimeout, readTimeout, maxRedirects, resume);
    }

    public DownloadSettings withReadTimeout(Duration value) {
        return new DownloadSettings(attempts, firstBackoff, maxBackoff, connectTimeout, value, maxRedirects, resume);
    }

    public DownloadSettings withResume(boolean value) {
        return new DownloadSettings(attempts, firstBackoff, maxBackoff, connectTimeout, readTimeout, maxRedirects, value);
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
