package dev.modelgate.scan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A bounded protobuf wire-format walker over a {@link ByteSource}, for formats stored as protobuf (ONNX,
 * TensorFlow graphs) without generated classes. It descends only into the fields a {@link Visitor} names,
 * skips every other payload unread (tensor data stays on disk), and turns anything malformed, too deep or too
 * long into a {@link WireError}.
 *
 * @param <K> the visitor's message kinds
 */
public final class ProtoWire<K> {

    /** What a walk looks for: which nested messages to enter, and the message boundaries and strings. */
    public interface Visitor<K> {
        /** The kind of the message held in {@code field} of a {@code parent} message, or null to skip it. */
        K child(K parent, int field);

        /** A message of {@code kind} starts at {@code offset}. */
        default void enter(K kind, long offset) {
        }

        /** A length-delimited field that is not entered: {@code length} bytes at {@code from}. */
        default void bytes(K kind, int field, long from, long length, ProtoWire<K> wire) throws IOException {
        }

        /** The message of {@code kind} that started at {@code offset} has ended. */
        default void exit(K kind, long offset) {
        }
    }

    /** The bytes are not well-formed protobuf within the bounds. */
    public static final class WireError extends Exception {
        WireError(String message) {
            super(message, null, false, false);
        }
    }

    private static final int MAX_DEPTH = 32;
    private static final long MAX_FIELDS = 20_000_000;

    private final ByteSource src;
    private final Visitor<K> visitor;
    private final byte[] window = new byte[64 * 1024];
    private long windowStart = -1;
    private int windowLen;
    private long fields;

    public ProtoWire(ByteSource src, Visitor<K> visitor) {
        this.src = src;
        this.visitor = visitor;
    }

    /** Walks the whole source as one message of {@code kind}. */
    public void walk(K kind) throws IOException, WireError {
        message(0, src.size(), kind, 0);
    }

    /** At most {@code cap} bytes at {@code from} as UTF-8 (names and paths; never tensor data). */
    public String string(long from, long length, int cap) throws IOException {
        return new String(src.readAt(from, (int) Math.min(length, cap)), StandardCharsets.UTF_8);
    }

    private void message(long start, long end, K kind, int depth) throws IOException, WireError {
        if (depth > MAX_DEPTH) {
            throw new WireError("messages nested deeper than " + MAX_DEPTH);
        }
        visitor.enter(kind, start);
        long pos = start;
        while (pos < end) {
            if (++fields > MAX_FIELDS) {
                throw new WireError("more than " + MAX_FIELDS + " fields");
            }
            long[] tag = varint(pos, end);
            pos = tag[1];
            int field = (int) (tag[0] >>> 3);
            int wire = (int) (tag[0] & 7);
            if (field == 0) {
                throw new WireError("field number 0 at offset " + (pos - 1));
            }
            switch (wire) {
                case 0 -> pos = varint(pos, end)[1];
                case 1 -> pos = skip(pos, 8, end);
                case 5 -> pos = skip(pos, 4, end);
                case 2 -> {
                    long[] len = varint(pos, end);
                    long from = len[1];
                    if (len[0] < 0 || from + len[0] > end) {
                        throw new WireError("length-delimited field " + field + " runs past its message");
                    }
                    K sub = visitor.child(kind, field);
                    if (sub != null) {
                        message(from, from + len[0], sub, depth + 1);
                    } else {
                        visitor.bytes(kind, field, from, len[0], this);
                    }
                    pos = from + len[0];
                }
                default -> throw new WireError("wire type " + wire + " at offset " + (pos - 1));
            }
        }
        visitor.exit(kind, start);
    }

    /** One byte through a small read window, so tags and lengths do not cost a read each. */
    private int byteAt(long pos) throws IOException {
        if (windowStart < 0 || pos < windowStart || pos >= windowStart + windowLen) {
            windowStart = pos;
            windowLen = Math.max(0, src.read(pos, window, 0, window.length));
            if (windowLen == 0) {
                windowStart = -1;
                return -1;
            }
        }
        return window[(int) (pos - windowStart)] & 0xff;
    }

    private static long skip(long pos, long n, long end) throws WireError {
        if (pos + n > end) {
            throw new WireError("truncated field");
        }
        return pos + n;
    }

    private long[] varint(long pos, long end) throws IOException, WireError {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = pos < end ? byteAt(pos++) : -1;
            if (b < 0) {
                throw new WireError("truncated varint");
            }
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return new long[] {v, pos};
            }
        }
        throw new WireError("varint longer than 10 bytes");
    }
}
