package dev.modelgate.scan;

import java.io.IOException;

/**
 * Random-access bytes being scanned: a file, a slice of a file (a stored archive member) or a small buffer.
 * Scanners read only what they need, so tensor data is skipped, not read.
 */
public interface ByteSource {

    long size();

    /** Reads up to {@code len} bytes at {@code pos}; returns how many were read (0 at the end). */
    int read(long pos, byte[] buf, int off, int len) throws IOException;

    /** Exactly {@code len} bytes at {@code pos}, or fewer when the source ends first. */
    default byte[] readAt(long pos, int len) throws IOException {
        if (pos >= size()) {
            return new byte[0];
        }
        int n = (int) Math.min(len, size() - pos);
        byte[] b = new byte[n];
        int done = 0;
        while (done < n) {
            int r = read(pos + done, b, done, n - done);
            if (r <= 0) {
                byte[] shorter = new byte[done];
                System.arraycopy(b, 0, shorter, 0, done);
                return shorter;
            }
            done += r;
        }
        return b;
    }

    default ByteSource slice(long start, long length) {
        ByteSource parent = this;
        long end = Math.min(parent.size(), start + length);
        long len = Math.max(0, end - start);
        return new ByteSource() {
            @Override
            public long size() {
                return len;
            }

            @Override
            public int read(long pos, byte[] buf, int off, int n) throws IOException {
                if (pos >= len) {
                    return 0;
                }
                return parent.read(start + pos, buf, off, (int) Math.min(n, len - pos));
            }
        };
    }

    static ByteSource of(byte[] bytes) {
        return new ByteSource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public int read(long pos, byte[] buf, int off, int len) {
                if (pos >= bytes.length) {
                    return 0;
                }
                int n = (int) Math.min(len, bytes.length - pos);
                System.arraycopy(bytes, (int) pos, buf, off, n);
                return n;
            }
        };
    }
}
