package dev.modelgate.scan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Scans a file from the bytes of another reader's single pass (the integrity engine's hashing pass), so a
 * large model is read once. The scanner itself reads at random positions; this class keeps, while the bytes
 * flow past, the parts it will ask for, then runs the scanner over them:
 *
 * <ul>
 *   <li>the head: 8 + the header length for safetensors, the first {@link #HEAD_LIMIT} bytes for every other
 *       format (pickles, GGUF headers, npy headers, protobufs, tar checkpoints), 64 KiB for zip archives;</li>
 *   <li>for a zip archive, the local headers as they pass, the whole data of the members that get scanned
 *       (pickles, JSON, nested archives, anything up to 64 KiB) and the first bytes of the others (tensor
 *       data), and the last {@link #ZIP_TAIL} bytes, where the central directory lies.</li>
 * </ul>
 *
 * Tensor data is neither copied nor looked at, so the cost over hashing is a small copy. When the scanner asks
 * for bytes that were not kept (an archive whose local headers give no sizes, a pickle longer than the head),
 * they are read again from the file, and {@link Result#bytesReread()} says how many: a bounded second read of
 * the parts that matter, never of the tensor data. Not thread-safe: one instance per file, on one thread.
 */
public final class StreamingScan {

    /** Head kept for formats read from the start: pickles, GGUF headers (vocabularies run to a few MiB). */
    public static final int HEAD_LIMIT = 32 << 20;
    /** Tail kept for zip archives: the central directory (PyTorch writes about 90 bytes per tensor). */
    public static final int ZIP_TAIL = 4 << 20;
    /** Whole zip members up to this size are kept, whatever their name. */
    static final int SMALL_MEMBER = 64 << 10;
    /** First bytes kept of a large zip member: enough for the scanner to see that it is plain data. */
    static final int MEMBER_HEAD = 4096;
    static final int DEFLATED_MEMBER_HEAD = 64 << 10;
    /** Central directory kept when the local headers lead to it (100,000 entries of long names). */
    static final int CENTRAL_DIRECTORY_LIMIT = 64 << 20;
    private static final int PROBE = 512;

    private final ModelScanner scanner;
    private final String name;
    private final Path file;
    private final ByteSource again;
    private final Keep keep;
    private final long expectedSize;

    private long position;
    private byte[] head = new byte[PROBE];
    private int headLength;
    private long headLimit = PROBE;
    private boolean decided;

    /** Ranges still to be filled, by start; kept ones move to {@link #kept}. */
    private final List<Range> pending = new ArrayList<>();
    private final List<Range> kept = new ArrayList<>();
    private ZipTracker zip;

    /** What one scan amounts to; {@code failure} is set when the scan itself broke (read error, scanner defect). */
    public record Result(ScanReport report, long bytesKept, long bytesReread, String failure) {
    }

    /**
     * @param name          the name findings carry (the relative path)
     * @param file          the file, read again only for bytes the pass did not keep; null to refuse such reads
     * @param expectedSize  the size the reader expects to stream (where the zip tail starts)
     */
    public StreamingScan(ModelScanner scanner, String name, Path file, long expectedSize) {
        this(scanner, name, file, null, expectedSize, Keep.DEFAULT);
    }

    /** For tests and fuzzing: other bounds, and bytes not kept read from {@code again} instead of a file. */
    StreamingScan(ModelScanner scanner, String name, Path file, ByteSource again, long expectedSize, Keep keep) {
        this.scanner = scanner;
        this.name = name;
        this.file = file;
        this.again = again;
        this.expectedSize = expectedSize;
        this.keep = keep;
    }

    /**
     * How much is kept; see the class comment. {@code endSearch} is where zip readers look for the end record
     * (a 64 KiB comment + 22 + a 20-byte zip64 locator).
     */
    record Keep(int head, int zipHead, int zipTail, int endSearch, int smallMember, int memberHead,
                int deflatedMemberHead) {
        static final Keep DEFAULT = new Keep(HEAD_LIMIT, DEFLATED_MEMBER_HEAD, ZIP_TAIL, 65535 + 22 + 20,
                SMALL_MEMBER, MEMBER_HEAD, DEFLATED_MEMBER_HEAD);
    }

    /** The next {@code len} bytes of the file, in order. */
    public void update(byte[] b, int off, int len) {
        long chunkStart = position;
        long chunkEnd = position + len;
        if (headLength == chunkStart) {
            int taken = 0;
            if (!decided) {
                taken = (int) Math.min(len, PROBE - headLength);
                appendHead(b, off, taken);
                if (headLength >= PROBE || headLength >= expectedSize) {
                    decide();
                }
            }
            if (decided && headLength < headLimit) {
                appendHead(b, off + taken, (int) Math.min(len - taken, headLimit - headLength));
            }
        }
        fill(b, off, chunkStart, chunkEnd);
        position = chunkEnd;
    }

    private void appendHead(byte[] b, int off, int n) {
        if (n <= 0) {
            return;
        }
        if (headLength + n > head.length) {
            long target = Math.max(headLength + n, Math.min(headLimit, (long) head.length * 2));
            head = java.util.Arrays.copyOf(head, (int) target);
        }
        System.arraycopy(b, off, head, headLength, n);
        headLength += n;
    }

    /** Runs the scanner over the kept bytes; never throws. */
    public Result finish() {
        if (!decided) {
            decide();
            fill(new byte[0], 0, position, position);
        }
        long keptBytes = headLength;
        for (Range r : kept) {
            keptBytes += r.filled;
        }
        List<Range> segments = new ArrayList<>(kept);
        for (Range r : pending) {
            if (r.filled > 0) {
                segments.add(r);
            }
        }
        segments.add(new Range(0, headLength, head, headLength));
        try (CapturedSource src = new CapturedSource(position, segments, file, again)) {
            ScanReport report;
            String failure = null;
            try {
                report = scanner.scan(name, src);
            } catch (IOException e) {
                failure = "cannot read it again for the scan (" + e.getMessage() + ")";
                report = new ScanReport(name, "unreadable", Verdict.INVALID, List.of(), failure, List.of());
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                failure = "scanner error: " + e;
                report = new ScanReport(name, "unknown", Verdict.INVALID, List.of(), failure, List.of());
            }
            if (failure == null && src.readFailure() != null) {
                failure = "cannot read it again for the scan (" + src.readFailure() + ")";
            }
            return new Result(report, keptBytes, src.reread(), failure);
        }
    }

    // ---- what to keep --------------------------------------------------------------------------------

    private void decide() {
        decided = true;
        byte[] h = head;
        int n = headLength;
        if (n >= 4 && h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4) {
            headLimit = Math.max(n, keep.zipHead());
            zip = new ZipTracker();
            // where a zip reader looks for the end record: the last 64 KiB (comment) + 22 + 20 (zip64 locator)
            long endSearch = Math.max(0, expectedSize - keep.endSearch());
            addRange(new Range(endSearch, expectedSize - endSearch, null, 0));
            if (position == 0) {
                zip.expectHeader(0);
            } else {
                zip.lost(position); // the first read was short and the start has passed: keep the tail blind
            }
        } else if (n >= 9 && h[8] == '{') {
            long len = le64(h, 0);
            // a safetensors header; anything implausible keeps the usual head and lets the check judge it
            headLimit = len > 0 && len <= keep.head() - 8 ? 8 + len : keep.head();
        } else {
            headLimit = keep.head();
        }
        headLimit = Math.max(headLimit, n);
    }

    private void addRange(Range r) {
        if (r.length <= 0) {
            return;
        }
        pending.add(r);
        pending.sort(Comparator.comparingLong(x -> x.start));
    }

    /** Copies the chunk into every pending range it touches; completing a range may add new ones. */
    private void fill(byte[] b, int off, long chunkStart, long chunkEnd) {
        boolean again = true;
        while (again) {
            again = false;
            List<Range> done = new ArrayList<>();
            for (Range r : pending) {
                if (r.start >= chunkEnd) {
                    break;
                }
                long from = r.start + r.filled;
                if (from < chunkStart) {
                    done.add(r.broken()); // bytes already passed: keep what there is, stop following
                    continue;
                }
                long to = Math.min(r.start + r.length, chunkEnd);
                if (from < to) {
                    r.ensure();
                    System.arraycopy(b, off + (int) (from - chunkStart), r.data, r.filled, (int) (to - from));
                    r.filled += (int) (to - from);
                }
                if (r.filled == r.length) {
                    done.add(r);
                }
            }
            for (Range r : done) {
                pending.remove(r);
                if (r.filled > 0) {
                    kept.add(r);
                }
                if (r.onFull != null) {
                    if (r.isBroken) {
                        zip.lost(chunkStart); // a header the tracker waited for went by unseen
                    } else {
                        r.onFull.run();
                    }
                    again = true;
                }
            }
        }
    }

    private static long le64(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xff);
        }
        return v;
    }

    private static int le16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    /** Bytes to keep at a fixed place in the file. */
    static final class Range {
        final long start;
        final long length;
        byte[] data;
        int filled;
        Runnable onFull;
        boolean isBroken;

        Range(long start, long length, byte[] data, int filled) {
            this.start = start;
            this.length = length;
            this.data = data;
            this.filled = filled;
        }

        void ensure() {
            if (data == null) {
                data = new byte[(int) length];
            }
        }

        Range broken() {
            isBroken = true;
            return this;
        }
    }

    /**
     * Follows the local headers of a zip archive as they stream past and asks for the bytes the scanner will
     * read. Stops following (the rest is read from the central directory and, if need be, again from the file)
     * at anything it does not expect: a member without sizes in its local header, a record that is not a local
     * header (the central directory), more members than the scanner accepts.
     */
    private final class ZipTracker {
        private int members;

        /**
         * Stops following at {@code at}: from there on only the last {@link #ZIP_TAIL} bytes are kept (the
         * central directory); what the scanner needs before them is read again. Everything before {@code at}
         * was accounted for, so the tail is never started inside tensor data the tracker already skipped.
         */
        void lost(long at) {
            long from = Math.max(at, expectedSize - keep.zipTail());
            addRange(new Range(from, expectedSize - from, null, 0));
        }

        void expectHeader(long at) {
            if (members++ > scanner.limits().maxEntries()) {
                lost(at);
                return;
            }
            Range fixed = new Range(at, 30, null, 0);
            fixed.onFull = () -> onFixedHeader(fixed);
            addRange(fixed);
        }

        private void onFixedHeader(Range fixed) {
            byte[] h = fixed.data;
            if (le32(h, 0) == 0x02014b50L && expectedSize - fixed.start >= 30) {
                // the central directory, found where it should be: keep it, and the end record, to the end
                long at = fixed.start;
                Range directory = new Range(at, Math.min(expectedSize - at, CENTRAL_DIRECTORY_LIMIT), null, 0);
                directory.data = java.util.Arrays.copyOf(h, (int) directory.length);
                directory.filled = 30;
                addRange(directory);
                return;
            }
            if (le32(h, 0) != 0x04034b50L) {
                lost(fixed.start + 30);
                return;
            }
            int nameLen = le16(h, 26);
            int extraLen = le16(h, 28);
            Range rest = new Range(fixed.start + 30, nameLen + extraLen, null, 0);
            rest.onFull = () -> onNameAndExtra(h, rest, nameLen, extraLen);
            if (nameLen + extraLen == 0) {
                onNameAndExtra(h, rest, 0, 0);
            } else {
                addRange(rest);
            }
        }

        private void onNameAndExtra(byte[] h, Range rest, int nameLen, int extraLen) {
            byte[] ne = rest.data == null ? new byte[0] : rest.data;
            int flags = le16(h, 6);
            int method = le16(h, 8);
            long compressed = le32(h, 18);
            long size = le32(h, 22);
            boolean zip64 = false;
            for (int p = nameLen; p + 4 <= nameLen + extraLen; ) {
                int id = le16(ne, p);
                int len = le16(ne, p + 2);
                if (id == 0x0001 && p + 4 + len <= ne.length) {
                    zip64 = true;
                    int q = p + 4;
                    if (size == 0xffffffffL && q + 8 <= p + 4 + len) {
                        size = le64(ne, q);
                        q += 8;
                    }
                    if (compressed == 0xffffffffL && q + 8 <= p + 4 + len) {
                        compressed = le64(ne, q);
                    }
                }
                p += 4 + len;
            }
            boolean descriptor = (flags & 0x8) != 0;
            if (descriptor && compressed == 0 || compressed == 0xffffffffL || compressed < 0) {
                lost(rest.start + nameLen + extraLen); // sizes only in a data descriptor: where the data ends is unknown
                return;
            }
            String memberName = new String(ne, 0, nameLen, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            long dataStart = rest.start + nameLen + extraLen;
            long keepBytes = compressed;
            if (compressed > keep.smallMember() && !scannedWhole(memberName)
                    || compressed > scanner.limits().maxMemberBytes()) {
                keepBytes = Math.min(compressed, method == 0 ? keep.memberHead() : keep.deflatedMemberHead());
            }
            addRange(new Range(dataStart, keepBytes, null, 0));
            long next = dataStart + compressed;
            if (!descriptor) {
                expectHeader(next);
                return;
            }
            boolean wide = zip64;
            Range sig = new Range(next, 4, null, 0);
            sig.onFull = () -> expectHeader(next + (le32(sig.data, 0) == 0x08074b50L ? 4 : 0) + (wide ? 20 : 12));
            addRange(sig);
        }

        private boolean scannedWhole(String n) {
            return n.endsWith(".pkl") || n.endsWith(".pickle") || n.endsWith(".json") || n.endsWith(".npy")
                    || n.endsWith(".zip") || n.endsWith(".npz") || n.endsWith(".pt") || n.endsWith(".pth")
                    || n.endsWith(".ckpt") || n.endsWith(".keras") || n.endsWith(".bin") && !n.contains("/data/");
        }
    }
}
