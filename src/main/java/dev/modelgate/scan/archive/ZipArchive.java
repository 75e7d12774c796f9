package dev.modelgate.scan.archive;

import dev.modelgate.scan.ByteSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tolerant zip reader, written for scanning rather than extraction. PyTorch's reader (miniz) loads
 * archives that {@code java.util.zip.ZipFile} and Python's zipfile refuse: encryption and other flag bits set
 * on plain data, local names that differ from the central directory, wrong CRCs. Reading only what the
 * central directory says (like PyTorch) and reporting each quirk lets the scanner see what the loader sees.
 * Entries come from the central directory; each entry's data offset comes from its local header.
 */
public final class ZipArchive {

    /** One central-directory entry, with what its local header said. */
    public record Entry(String name, String localName, int flags, int method, long crc, long compressedSize,
                        long size, long localHeaderOffset, long dataOffset, String problem) {

        public boolean isDirectory() {
            return name.endsWith("/");
        }

        public boolean encrypted() {
            return (flags & 1) != 0;
        }
    }

    private final List<Entry> entries;
    private final long prefixBytes;

    private ZipArchive(List<Entry> entries, long prefixBytes) {
        this.entries = entries;
        this.prefixBytes = prefixBytes;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Bytes before the first record (a file glued in front of the archive), 0 normally. */
    public long prefixBytes() {
        return prefixBytes;
    }

    /** Thrown when the bytes are not a readable zip archive at all. */
    public static final class ZipFormatException extends Exception {
        public ZipFormatException(String message) {
            super(message);
        }
    }

    public static ZipArchive read(ByteSource src, int maxEntries) throws IOException, ZipFormatException {
        long size = src.size();
        if (size < 22) {
            throw new ZipFormatException("too short for a zip archive (" + size + " bytes)");
        }
        int tailLen = (int) Math.min(size, 22 + 65535 + 20);
        byte[] tail = src.readAt(size - tailLen, tailLen);
        int eocd = -1;
        for (int i = tail.length - 22; i >= 0; i--) {
            if (tail[i] == 'P' && tail[i + 1] == 'K' && tail[i + 2] == 5 && tail[i + 3] == 6) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new ZipFormatException("no end-of-central-directory record");
        }
        long eocdPos = size - tailLen + eocd;
        long count = u16(tail, eocd + 10);
        long cdSize = u32(tail, eocd + 12);
        long cdOffset = u32(tail, eocd + 16);
        // zip64: the locator sits just before the end record
        if (eocd >= 20 && tail[eocd - 20] == 'P' && tail[eocd - 19] == 'K' && tail[eocd - 18] == 6
                && tail[eocd - 17] == 7) {
            long z64Pos = u64(tail, eocd - 20 + 8);
            byte[] z = src.readAt(z64Pos, 56);
            if (z.length == 56 && z[0] == 'P' && z[1] == 'K' && z[2] == 6 && z[3] == 6) {
                count = u64(z, 32);
                cdSize = u64(z, 40);
                cdOffset = u64(z, 48);
            }
        }
        if (count > maxEntries) {
            throw new ZipFormatException("declares " + count + " entries, more than the limit of " + maxEntries);
        }
        long cdEnd = eocdPos;
        if (eocdPos - 20 >= 0) {
            byte[] loc = src.readAt(eocdPos - 20, 4);
            if (loc.length == 4 && loc[0] == 'P' && loc[1] == 'K' && loc[2] == 6 && loc[3] == 7) {
                cdEnd = -1; // zip64 end record between directory and end: do not infer a prefix
            }
        }
        long prefix = 0;
        if (cdEnd > 0 && cdEnd - cdSize - cdOffset > 0) {
            prefix = cdEnd - cdSize - cdOffset; // bytes prepended to the archive shift every offset
        }
        if (cdSize > size || cdOffset + prefix + cdSize > size) {
            throw new ZipFormatException("central directory lies outside the file");
        }
        if (cdSize > Integer.MAX_VALUE - 8) {
            throw new ZipFormatException("central directory too large");
        }
        byte[] cd = src.readAt(cdOffset + prefix, (int) cdSize);
        List<Entry> out = new ArrayList<>();
        int p = 0;
        while (p + 46 <= cd.length && out.size() < count) {
            if (!(cd[p] == 'P' && cd[p + 1] == 'K' && cd[p + 2] == 1 && cd[p + 3] == 2)) {
                throw new ZipFormatException("bad central directory record at offset " + (cdOffset + prefix + p));
            }
            int flags = u16(cd, p + 8);
            int method = u16(cd, p + 10);
            long crc = u32(cd, p + 16);
            long csize = u32(cd, p + 20);
            long usize = u32(cd, p + 24);
            int nameLen = u16(cd, p + 28);
            int extraLen = u16(cd, p + 30);
            int commentLen = u16(cd, p + 32);
            long local = u32(cd, p + 42);
            if (p + 46 + nameLen + extraLen > cd.length) {
                throw new ZipFormatException("central directory record runs past the directory");
            }
            String name = new String(cd, p + 46, nameLen, StandardCharsets.UTF_8);
            int e = p + 46 + nameLen;
            int extraEnd = e + extraLen;
            while (e + 4 <= extraEnd) {
                int id = u16(cd, e);
                int len = u16(cd, e + 2);
                if (id == 1) { // zip64 extended information
                    int q = e + 4;
                    if (usize == 0xffffffffL && q + 8 <= e + 4 + len) {
                        usize = u64(cd, q);
                        q += 8;
                    }
                    if (csize == 0xffffffffL && q + 8 <= e + 4 + len) {
                        csize = u64(cd, q);
                        q += 8;
                    }
                    if (local == 0xffffffffL && q + 8 <= e + 4 + len) {
                        local = u64(cd, q);
                    }
                }
                e += 4 + len;
            }
            p = extraEnd + commentLen;
            out.add(local(src, name, flags, method, crc, csize, usize, local + prefix));
        }
        if (out.size() < count) {
            throw new ZipFormatException("central directory lists " + out.size() + " of " + count + " entries");
        }
        return new ZipArchive(List.copyOf(out), prefix);
    }

    private static Entry local(ByteSource src, String name, int flags, int method, long crc, long csize, long usize,
                               long local) throws IOException {
        byte[] h = src.readAt(local, 30);
        if (h.length < 30 || !(h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4)) {
            return new Entry(name, null, flags, method, crc, csize, usize, local, -1,
                    "no local header at offset " + local);
        }
        int nameLen = u16(h, 26);
        int extraLen = u16(h, 28);
        String localName = new String(src.readAt(local + 30, nameLen), StandardCharsets.UTF_8);
        long data = local + 30 + nameLen + extraLen;
        String problem = null;
        if (data + csize > src.size() || data + csize < data) {
            problem = "data runs past the end of the file";
        }
        return new Entry(name, localName, flags, method, crc, csize, usize, local, data, problem);
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }

    private static long u32(byte[] b, int i) {
        return (u16(b, i) | (long) u16(b, i + 2) << 16) & 0xffffffffL;
    }

    private static long u64(byte[] b, int i) {
        return u32(b, i) | u32(b, i + 4) << 32;
    }
}
