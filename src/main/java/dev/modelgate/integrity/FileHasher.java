package dev.modelgate.integrity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads one file once, feeding the SHA-256 digest and every content check from the same buffer.
 * The buffer is small enough to stay in the CPU cache, so the copy from the kernel costs little next to
 * the digest itself (see docs/benchmarks.md).
 */
public final class FileHasher {

    /** 128 KiB: measured fastest here among 16 KiB to 4 MiB; larger buffers fall out of L2. */
    public static final int DEFAULT_BUFFER = 128 * 1024;

    private final int bufferSize;

    public FileHasher(int bufferSize) {
        if (bufferSize < 4096) {
            throw new IllegalArgumentException("buffer must be at least 4096 bytes");
        }
        this.bufferSize = bufferSize;
    }

    /** The result of one pass over a file. {@code bytes} may differ from the size seen while walking. */
    public record Hashed(String sha256, long bytes, long millis, List<Finding> checkFindings) {
    }

    /**
     * Hashes {@code content}, reading at most {@code limit} bytes (pass the declared size + 1 to notice a
     * file that is longer than declared without reading all of it; {@link Long#MAX_VALUE} for no limit).
     */
    public Hashed hash(String relPath, Path content, long expectedSize, long limit, List<ContentCheck> checks)
            throws IOException {
        long start = System.nanoTime();
        MessageDigest md = Sha256.newDigest();
        List<ContentCheck.Session> sessions = new ArrayList<>(checks.size());
        for (ContentCheck c : checks) {
            ContentCheck.Session s = c.open(relPath, expectedSize);
            if (s != null) {
                sessions.add(s);
            }
        }
        long total = 0;
        // NOFOLLOW_LINKS: the walk already resolved links; a link swapped in since then is refused by open().
        try (FileChannel ch = FileChannel.open(content, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            byte[] array = new byte[bufferSize];
            ByteBuffer buf = ByteBuffer.wrap(array);
            while (total < limit) {
                buf.clear();
                if (limit - total < array.length) {
                    buf.limit((int) (limit - total));
                }
                int n = ch.read(buf);
                if (n < 0) {
                    break;
                }
                if (total == 0) {
                    StartupClock.firstByteHashed();
                }
                md.update(array, 0, n);
                for (ContentCheck.Session s : sessions) {
                    s.update(array, 0, n);
                }
                total += n;
            }
        }
        String hex = HexFormat.of().formatHex(md.digest());
        List<Finding> findings = new ArrayList<>();
        for (ContentCheck.Session s : sessions) {
            findings.addAll(s.finish(hex));
        }
        return new Hashed(hex, total, (System.nanoTime() - start) / 1_000_000, findings);
    }
}
