package dev.modelgate.integrity;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Reads one file once, feeding the SHA-256 digest and every content check from the same buffer.
 * The buffer is small enough to stay in the CPU cache, so the copy from the kernel costs little next to
 * the digest itself (see docs/benchmarks.md).
 */
public final class FileHasher {

    /** 128 KiB: measured fastest here among 16 KiB to 4 MiB; larger buffers fall out of L2. */
    public static final int DEFAULT_BUFFER = 128 * 1024;

    /** Bytes per MessageDigest.update call; see the comment in {@link #hash}. */
    static final int DIGEST_SLICE = 4096;

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
            ContentCheck.Session s = c.open(relPath, content, expectedSize);
            if (s != null) {
                sessions.add(s);
            }
        }
        long total = 0;
        BasicFileAttributes walked = Files.readAttributes(content, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!walked.isRegularFile()) {
            throw new FileChangedException(relPath + ": is no longer a regular file");
        }
        // FileInputStream rather than FileChannel: measured about 15% less CPU per byte here (no temporary
        // direct buffer). It follows links, so the file is checked to be the same inode, still not a link,
        // once it is open.
        try (FileInputStream in = new FileInputStream(content.toFile())) {
            BasicFileAttributes opened = Files.readAttributes(content, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!opened.isRegularFile() || !Objects.equals(walked.fileKey(), opened.fileKey())) {
                throw new FileChangedException(relPath + ": was replaced while being opened");
            }
            byte[] array = new byte[bufferSize];
            while (total < limit) {
                int n = in.read(array, 0, (int) Math.min(array.length, limit - total));
                if (n < 0) {
                    break;
                }
                if (total == 0) {
                    StartupClock.firstByteHashed();
                }
                // Fed in slices: the JIT swaps in the JDK's multi-block SHA-256 stub only once
                // MessageDigest.update is hot (thousands of calls); at one call per 128 KiB that took
                // gigabytes, at one call per 4 KiB it takes a few megabytes (docs/benchmarks.md).
                for (int off = 0; off < n; off += DIGEST_SLICE) {
                    md.update(array, off, Math.min(DIGEST_SLICE, n - off));
                }
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

    /** The file on disk is not the one the walk saw (swapped for a link or another file). */
    public static final class FileChangedException extends IOException {
        public FileChangedException(String message) {
            super(message);
        }
    }
}
