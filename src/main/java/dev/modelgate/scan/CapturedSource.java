package dev.modelgate.scan;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes a {@link StreamingScan} kept from the single pass, as a {@link ByteSource}. A read inside a kept
 * range is served from memory; a read elsewhere goes to the file (counted in {@link #reread()}) and stops where
 * the next kept range begins, so kept bytes are never read twice.
 */
final class CapturedSource implements ByteSource, AutoCloseable {

    private record Segment(long start, byte[] data, int offset, int length) {
        long end() {
            return start + length;
        }
    }

    private final long size;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final Path file;
    private final ByteSource again;
    private FileChannel channel;
    private long reread;
    private String readFailure;

    /** Bytes not kept are read from {@code again} when given, else from {@code file}, else refused. */
    CapturedSource(long size, List<StreamingScan.Range> ranges, Path file, ByteSource again) {
        this.size = size;
        this.file = file;
        this.again = again;
        List<StreamingScan.Range> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong((StreamingScan.Range r) -> r.start).thenComparing(r -> -r.filled));
        long covered = 0;
        for (StreamingScan.Range r : sorted) {
            long end = r.start + r.filled;
            if (r.filled <= 0 || end <= covered) {
                continue;
            }
            long from = Math.max(r.start, covered);
            segments.put(from, new Segment(from, r.data, (int) (from - r.start), (int) (end - from)));
            covered = end;
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long pos, byte[] buf, int off, int len) throws IOException {
        if (pos >= size || len <= 0) {
            return 0;
        }
        int want = (int) Math.min(len, size - pos);
        Map.Entry<Long, Segment> at = segments.floorEntry(pos);
        if (at != null && pos < at.getValue().end()) {
            Segment s = at.getValue();
            int n = (int) Math.min(want, s.end() - pos);
            System.arraycopy(s.data(), s.offset() + (int) (pos - s.start()), buf, off, n);
            return n;
        }
        Long next = segments.higherKey(pos);
        if (next != null) {
            want = (int) Math.min(want, next - pos);
        }
        try {
            if (again != null) {
                int r = again.read(pos, buf, off, want);
                if (r <= 0) {
                    throw new IOException("the source ended at offset " + pos);
                }
                reread += r;
                return r;
            }
            if (file == null) {
                throw new IOException("bytes at offset " + pos + " were not kept on the single read pass");
            }
            if (channel == null) {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            }
            int r = channel.read(ByteBuffer.wrap(buf, off, want), pos);
            if (r <= 0) {
                throw new IOException("the file ended at offset " + pos + " (it changed after it was read)");
            }
            reread += r;
            return r;
        } catch (IOException e) {
            // remembered here because format readers turn read errors into "invalid", which must not pass a file
            if (readFailure == null) {
                readFailure = e.getMessage();
            }
            throw e;
        }
    }

    /** The first read that failed, or null: the scan did not see every byte it asked for. */
    String readFailure() {
        return readFailure;
    }

    /** Bytes read from the file again because the pass did not keep them. */
    long reread() {
        return reread;
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only channel: nothing was written that could be lost
            }
        }
    }
}
