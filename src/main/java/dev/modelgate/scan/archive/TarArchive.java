package dev.modelgate.scan.archive;

import dev.modelgate.scan.ByteSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal ustar/pax/GNU tar reader: member names, data offsets and sizes, nothing extracted. Enough for the
 * legacy (torch &lt; 0.4) PyTorch checkpoint, a tar of {@code sys_info}, {@code pickle}, {@code storages} and
 * {@code tensors}.
 */
public final class TarArchive {

    public record Member(String name, char type, long dataOffset, long size) {
        public boolean isFile() {
            return type == '0' || type == 0 || type == '7';
        }
    }

    private TarArchive() {
    }

    public static boolean looksLikeTar(byte[] head) {
        return head.length >= 262 && head[257] == 'u' && head[258] == 's' && head[259] == 't' && head[260] == 'a'
                && head[261] == 'r';
    }

    /** True when the first header's checksum is right (tarfile, and so torch, refuse the archive otherwise). */
    public static boolean validHeader(byte[] head) {
        return head.length >= 512 && checksumOk(head);
    }

    /** The members, or a message in {@code problems} where the archive stopped making sense. */
    public static List<Member> read(ByteSource src, int maxEntries, List<String> problems) throws IOException {
        List<Member> out = new ArrayList<>();
        long pos = 0;
        String longName = null;
        String paxName = null;
        while (pos + 512 <= src.size()) {
            byte[] h = src.readAt(pos, 512);
            if (allZero(h)) {
                break;
            }
            if (!checksumOk(h)) {
                problems.add("tar header checksum mismatch at offset " + pos);
                break;
            }
            if (out.size() >= maxEntries) {
                problems.add("more than " + maxEntries + " tar entries");
                break;
            }
            long size = octal(h, 124, 12);
            if (size < 0 || pos + 512 + size > src.size()) {
                problems.add("tar member at offset " + pos + " runs past the end of the file");
                break;
            }
            char type = (char) (h[156] & 0xff);
            String name = cstr(h, 0, 100);
            if (h[257] == 'u' && h[263] == '0') { // POSIX ustar: prefix field
                String prefix = cstr(h, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            long data = pos + 512;
            if (type == 'L') {
                longName = cstr(src.readAt(data, (int) Math.min(size, 4096)), 0, (int) Math.min(size, 4096));
            } else if (type == 'x') {
                paxName = paxPath(src.readAt(data, (int) Math.min(size, 65536)));
            } else if (type != 'g') {
                if (longName != null) {
                    name = longName;
                } else if (paxName != null) {
                    name = paxName;
                }
                longName = null;
                paxName = null;
                out.add(new Member(name, type, data, size));
            }
            pos = data + (size + 511) / 512 * 512;
        }
        return out;
    }

    private static String paxPath(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        for (String rec : s.split("\n")) {
            int sp = rec.indexOf(' ');
            if (sp > 0 && rec.startsWith("path=", sp + 1)) {
                return rec.substring(sp + 6);
            }
        }
        return null;
    }

    private static boolean allZero(byte[] h) {
        for (byte b : h) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean checksumOk(byte[] h) {
        long stored = octal(h, 148, 8);
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        }
        return stored == sum;
    }

    private static long octal(byte[] h, int off, int len) {
        if ((h[off] & 0x80) != 0) { // base-256 (GNU) for large sizes
            long v = h[off] & 0x7f;
            for (int i = off + 1; i < off + len; i++) {
                if (v > (Long.MAX_VALUE >> 8)) {
                    return -1;
                }
                v = v << 8 | (h[i] & 0xff);
            }
            return v;
        }
        long v = 0;
        boolean any = false;
        for (int i = off; i < off + len; i++) {
            int c = h[i] & 0xff;
            if (c == 0 || c == ' ') {
                if (any) {
                    break;
                }
                continue;
            }
            if (c < '0' || c > '7') {
                return -1;
            }
            any = true;
            v = v * 8 + (c - '0');
        }
        return v;
    }

    private static String cstr(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && end < h.length && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }
}
