package dev.modelgate.integrity;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
    private final ReadHook hook;

    public FileHasher(int bufferSize) {
        this(bufferSize, null);
    }

    FileHasher(int bufferSize, ReadHook hook) {
        if (bufferSize < 4096) {
            throw new IllegalArgumentException("buffer must be at least 4096 bytes");
        }
        this.bufferSize = bufferSize;
        this.hook = hook;
    }

    /** Called after each buffer is read; tests use it to write behind the reader at a known point. */
    interface ReadHook {
        void afterChunk(String relPath, long bytesRead) throws IOException;
    }

    /**
     * What must not change while a file is read: device and inode, link count, size, modification and status
     * change times. ctime cannot be set from user space, so a writer that puts mtime back is still seen (within
     * the kernel's timestamp granularity).
     */
    record Stamp(boolean regular, Object dev, Object ino, Object nlink, long size, FileTime mtime, Object ctime) {

        private static final String UNIX = "unix:isRegularFile,dev,ino,nlink,size,lastModifiedTime,ctime";

        static Stamp of(Path p) throws IOException {
            try {
                Map<String, Object> a = Files.readAttributes(p, UNIX, LinkOption.NOFOLLOW_LINKS);
                return new Stamp(Boolean.TRUE.equals(a.get("isRegularFile")), a.get("dev"), a.get("ino"),
                        a.get("nlink"), (Long) a.get("size"), (FileTime) a.get("lastModifiedTime"), a.get("ctime"));
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                // Not a POSIX file system: the file key stands for device and inode, and there is no ctime.
                BasicFileAttributes b = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return new Stamp(b.isRegularFile(), b.fileKey(), null, null, b.size(), b.lastModifiedTime(), null);
            }
        }

        boolean sameFile(Stamp o) {
            return Objects.equals(dev, o.dev) && Objects.equals(ino, o.ino);
        }

        /** Null when nothing changed since {@code before}; else the end of a sentence saying what did. */
        String changeFrom(Stamp before, long bytesReadToEnd) {
            if (!sameFile(before) || !regular) {
                return "was replaced while it was read (another file now has its name)";
            }
            List<String> what = new ArrayList<>();
            if (size != before.size) {
                what.add("size " + before.size + " -> " + size + " bytes");
            } else if (bytesReadToEnd >= 0 && bytesReadToEnd != size) {
                what.add(bytesReadToEnd + " bytes read of " + size);
            }
            if (!Objects.equals(mtime, before.mtime)) {
                what.add("modified " + before.mtime + " -> " + mtime);
            }
            if (!Objects.equals(ctime, before.ctime)) {
                what.add("status changed " + before.ctime + " -> " + ctime);
            }
            if (!Objects.equals(nlink, before.nlink)) {
                what.add("links " + before.nlink + " -> " + nlink);
            }
            return what.isEmpty() ? null : "changed while it was read (" + String.join(", ", what) + ")";
        }
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
        Stamp walked = Stamp.of(content);
        if (!walked.regular()) {
            throw new FileChangedException(relPath + ": is no longer a regular file");
        }
        // FileInputStream rather than FileChannel: measured about 15% less CPU per byte here (no temporary
        // direct buffer). It follows links, so the file is checked to be the same inode, still not a link,
        // once it is open.
        try (FileInputStream in = new FileInputStream(content.toFile())) {
            Stamp before = Stamp.of(content);
            if (!before.regular() || !before.sameFile(walked)) {
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
                if (hook != null) {
                    hook.afterChunk(relPath, total);
                }
            }
            // Still holding the descriptor: the inode cannot be freed and reused, so a path that still names the
            // same device and inode names the open file, and its attributes are the descriptor's (Java has no
            // fstat). Any write, truncation, rename over the name or attribute change since the open shows here.
            Stamp after = Stamp.of(content);
            String change = after.changeFrom(before, total < limit ? total : -1);
            if (change != null) {
                throw new FileChangedException(relPath + ": " + change);
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
