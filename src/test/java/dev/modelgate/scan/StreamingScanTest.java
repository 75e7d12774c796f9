package dev.modelgate.scan;

import static dev.modelgate.scan.Fixtures.call;
import static dev.modelgate.scan.Fixtures.zip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.scan.Fixtures.ZipMember;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scanner driven by another reader's single pass: the same report as a scan of the whole file, with tensor
 * data neither kept nor read again.
 */
class StreamingScanTest {

    @TempDir
    Path tmp;

    final ModelScanner scanner = new ModelScanner();

    static final byte[] STATE = Fixtures.torchLikeStateDict();
    static final byte[] EVIL = call("posix", "system", "id");

    /** Feeds {@code bytes} in chunks of {@code chunk}, as the hashing pass does. */
    StreamingScan.Result stream(String name, byte[] bytes, int chunk, Path file) {
        StreamingScan s = new StreamingScan(scanner, name, file, bytes.length);
        for (int off = 0; off < bytes.length; off += chunk) {
            byte[] copy = java.util.Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + chunk));
            s.update(copy, 0, copy.length); // a fresh array each time: nothing may hold on to the caller's buffer
        }
        return s.finish();
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    static byte[] bigTorchZip(byte[] pickle) {
        byte[] t0 = new byte[24 << 20];
        byte[] t1 = new byte[8 << 20];
        t1[0] = (byte) 0x80; // tensor data that starts like a pickle header
        t1[1] = 2;
        return zip(new ZipMember("archive/data.pkl", pickle), new ZipMember("archive/data/0", t0),
                new ZipMember("archive/data/1", t1), new ZipMember("archive/version", "3\n".getBytes()));
    }

    static byte[] safetensors(int dataBytes) {
        return Fixtures.safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[" + dataBytes / 4
                + "],\"data_offsets\":[0," + dataBytes + "]},\"__metadata__\":{\"format\":\"pt\"}}", dataBytes);
    }

    Map<String, byte[]> corpus() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("benign.pt", bigTorchZip(STATE));
        m.put("evil.pt", bigTorchZip(EVIL));
        m.put("state.pkl", STATE);
        m.put("evil.pkl", EVIL);
        m.put("w.safetensors", safetensors(16 << 20));
        m.put("m.gguf", Fixtures.gguf("{% for m in messages %}{{ m.content }}{% endfor %}", 1 << 20, 0));
        m.put("evil.gguf", Fixtures.gguf("{{ cycler.__init__.__globals__.os.popen('id').read() }}", 16, 0));
        m.put("deflated.pt", zip(new ZipMember("archive/data.pkl", EVIL).deflate(),
                new ZipMember("archive/data/0", new byte[3 << 20]).deflate()));
        m.put("nested.zip", zip(new ZipMember("inner.pt", zip(new ZipMember("archive/data.pkl", EVIL)))));
        m.put("flags.pt", zip(new ZipMember("archive/data.pkl", EVIL).flags(0x1 | 0x8),
                new ZipMember("archive/data/0", new byte[1 << 20])));
        m.put("obj.npy", Fixtures.npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", EVIL));
        m.put("tiny.pt", new byte[] {'P', 'K', 3, 4});
        m.put("empty.bin", new byte[0]);
        m.put("raw.bin", new byte[5 << 20]);
        return m;
    }

    @Test
    void reportsEqualAScanOfTheWholeFileAtEveryChunkSize() throws IOException {
        for (Map.Entry<String, byte[]> e : corpus().entrySet()) {
            ScanReport whole = scanner.scan(e.getKey(), ByteSource.of(e.getValue()));
            Path file = write(e.getKey(), e.getValue());
            for (int chunk : new int[] {1 << 17, 4096, 333}) {
                if (chunk == 333 && e.getValue().length > (4 << 20)) {
                    continue; // byte-odd chunks on the small files only: it is the boundaries that matter
                }
                StreamingScan.Result r = stream(e.getKey(), e.getValue(), chunk, file);
                assertNull(r.failure(), e.getKey());
                assertEquals(whole, r.report(), e.getKey() + " in chunks of " + chunk);
            }
        }
    }

    @Test
    void tinyBoundsStillGiveTheSameReportByReadingTheRestAgain() throws IOException {
        StreamingScan.Keep tiny = new StreamingScan.Keep(600, 512, 64, 100, 32, 16, 64);
        Map<String, byte[]> all = corpus();
        all.put("nosizes.pt", withoutLocalSizes(zip(new ZipMember("archive/data.pkl", EVIL),
                new ZipMember("archive/data/0", new byte[5000]))));
        for (Map.Entry<String, byte[]> e : all.entrySet()) {
            byte[] bytes = e.getValue();
            ScanReport whole = scanner.scan(e.getKey(), ByteSource.of(bytes));
            StreamingScan s = new StreamingScan(scanner, e.getKey(), null, ByteSource.of(bytes), bytes.length, tiny);
            for (int off = 0; off < bytes.length; off += 1000) {
                s.update(bytes, off, Math.min(1000, bytes.length - off));
            }
            StreamingScan.Result r = s.finish();
            assertNull(r.failure(), e.getKey());
            assertEquals(whole, r.report(), e.getKey());
        }
    }

    @Test
    void tensorDataIsNeitherKeptNorReadAgain() throws IOException {
        for (String name : new String[] {"benign.pt", "evil.pt", "w.safetensors", "m.gguf", "raw.bin"}) {
            byte[] bytes = corpus().get(name);
            StreamingScan.Result r = stream(name, bytes, 1 << 17, write(name, bytes));
            assertEquals(0, r.bytesReread(), name + " was read again");
            // formats read from the start keep a bounded head; archives and safetensors keep their structure only
        long bound = name.equals("raw.bin") || name.equals("m.gguf") ? StreamingScan.HEAD_LIMIT : 256 << 10;
            assertTrue(r.bytesKept() <= bound, () -> name + ": kept " + r.bytesKept() + " of " + bytes.length);
        }
        StreamingScan.Result st = stream("w.safetensors", corpus().get("w.safetensors"), 1 << 17, null);
        // the first 512 bytes (how the scanner recognises a format) and the JSON header, nothing of the tensors
        assertEquals(512, st.bytesKept(), "safetensors: only the header is kept");
    }

    @Test
    void zipWithoutSizesInItsLocalHeadersReadsOnlyTheMissingPartsAgain() throws IOException {
        byte[] bytes = withoutLocalSizes(bigTorchZip(EVIL));
        Path file = write("nosizes.pt", bytes);
        ScanReport whole = scanner.scan("nosizes.pt", ByteSource.of(bytes));
        assertEquals(Verdict.MALICIOUS, whole.verdict());
        StreamingScan.Result r = stream("nosizes.pt", bytes, 1 << 17, file);
        assertEquals(whole, r.report());
        // the head and the tail cover the pickle and the central directory; the data members' first bytes are
        // read again (their place is known only from the directory), their tensor data is not
        assertTrue(r.bytesReread() > 0 && r.bytesReread() < (256 << 10), () -> "read again: " + r.bytesReread());
    }

    @Test
    void bytesThatWereNotKeptAndCannotBeReadAgainFailTheScan() {
        // a pickle longer than the kept head, and no file to read the rest from
        byte[] longPickle = Fixtures.concat(new byte[] {(byte) 0x80, 2, 'B'}, le32(StreamingScan.HEAD_LIMIT + 100),
                new byte[StreamingScan.HEAD_LIMIT + 100], new byte[] {'.'});
        StreamingScan.Result r = stream("long.pkl", longPickle, 1 << 20, null);
        assertNotNull(r.failure());
        assertEquals("cannot read it again for the scan (bytes at offset " + (StreamingScan.HEAD_LIMIT + 107)
                + " were not kept on the single read pass)", r.failure());
    }

    static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** Sets bit 3 and zeroes the sizes in every local header, as streaming zip writers do (the directory keeps them). */
    static byte[] withoutLocalSizes(byte[] zip) {
        byte[] b = zip.clone();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int cd = bb.getInt(b.length - 22 + 16);
        for (int p = cd; p + 46 <= b.length && bb.getInt(p) == 0x02014b50; ) {
            int local = bb.getInt(p + 42);
            bb.putShort(p + 8, (short) (bb.getShort(p + 8) | 0x8));
            bb.putShort(local + 6, (short) (bb.getShort(local + 6) | 0x8));
            bb.putInt(local + 18, 0);
            bb.putInt(local + 22, 0);
            p += 46 + bb.getShort(p + 28) + bb.getShort(p + 30) + bb.getShort(p + 32);
        }
        return b;
    }
}
