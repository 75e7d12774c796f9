package dev.modelgate.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelgate.scan.archive.ZipArchive;
import dev.modelgate.scan.gguf.GgufCheck;
import dev.modelgate.scan.pickle.PickleRules;
import dev.modelgate.scan.pickle.PickleStream;
import dev.modelgate.scan.pickle.PickleWalker;
import dev.modelgate.scan.safetensors.SafetensorsCheck;
import java.io.IOException;

/**
 * Fuzz targets for the parsers that read hostile bytes. Under surefire they run in regression mode over the
 * seed corpus in {@code src/test/resources/dev/modelgate/scan/ScannerFuzzTestInputs/<target>/}; with
 * {@code JAZZER_FUZZ=1} they fuzz (docs/scanning.md has the command and the figures of the last long run).
 * The oracle: no exception escapes, every scan ends with a report, and the scan driven by a single read pass
 * ({@link StreamingScan}, with tiny bounds so that it must follow zip headers and read missing parts again)
 * gives the same report as the scan of the whole file.
 */
class ScannerFuzzTest {

    /** Tighter than the defaults so that a hostile input costs little memory per run. */
    static final ScanLimits LIMITS = new ScanLimits(2_000_000L, 100_000, 100_000, 4, 16 << 20, 10_000, 200, 3,
            16 << 20);
    static final ModelScanner SCANNER = new ModelScanner(PickleRules.defaults(), LIMITS);

    @FuzzTest(maxDuration = "3m")
    void pickle(byte[] data) {
        PickleStream.Result r = PickleStream.scan(ByteSource.of(data), PickleRules.defaults(), LIMITS,
                new PickleWalker.Budget());
        assertNotNull(r.findings());
        scanBothWays("fuzz.pkl", data);
    }

    @FuzzTest(maxDuration = "3m")
    void zip(byte[] data) throws IOException {
        try {
            ZipArchive.read(ByteSource.of(data), LIMITS.maxEntries());
        } catch (ZipArchive.ZipFormatException expected) {
            // not a zip archive: a normal answer
        }
        scanBothWays("fuzz.pt", data);
    }

    @FuzzTest(maxDuration = "3m")
    void safetensors(byte[] data) throws IOException {
        SafetensorsCheck.Result r = SafetensorsCheck.check(ByteSource.of(data), LIMITS.maxHeaderBytes());
        assertNotNull(r.findings());
        scanBothWays("fuzz.safetensors", data);
    }

    @FuzzTest(maxDuration = "3m")
    void gguf(byte[] data) throws IOException {
        GgufCheck.Result r = GgufCheck.check(ByteSource.of(data));
        assertNotNull(r.findings());
        scanBothWays("fuzz.gguf", data);
    }

    /** Bounds so small that fuzz-sized inputs exercise the zip tracker and the reads of what was not kept. */
    static final StreamingScan.Keep TINY = new StreamingScan.Keep(600, 512, 64, 100, 32, 16, 64);

    /** The whole-file scan and the single-pass scan agree, whatever the single pass kept. */
    static void scanBothWays(String name, byte[] data) {
        ScanReport whole;
        try {
            whole = SCANNER.scan(name, ByteSource.of(data));
        } catch (IOException e) {
            throw new AssertionError("an in-memory source cannot fail to read", e);
        }
        StreamingScan s = new StreamingScan(SCANNER, name, null, ByteSource.of(data), data.length, TINY);
        for (int off = 0; off < data.length; off += 97) {
            s.update(data, off, Math.min(97, data.length - off));
        }
        StreamingScan.Result streamed = s.finish();
        assertEquals(null, streamed.failure());
        assertEquals(whole, streamed.report());
    }
}
