package dev.modelgate.integrity;

import static dev.modelgate.integrity.ModelDirs.manifestOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file written behind the reader: the bytes already hashed are the declared ones, the bytes now on disk are not.
 * The hasher's hook fires after the first 128 KiB are read, so the write lands at a known point of the read.
 * Without the check after the read each of these passes (the digest of what was read matches).
 */
class WriteBehindTest {

    static final String BIG = "checkpoints/big.safetensors";
    static final Instant LONG_AGO = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path root;

    Manifest declared;

    @BeforeEach
    void volume() throws Exception {
        ModelDirs.write(root.resolve(BIG), ModelDirs.bytes(1 << 20, 7));
        ModelDirs.write(root.resolve("loras/style.safetensors"), "abc".getBytes());
        // Old times, as on a volume filled yesterday: a write now changes mtime whatever the clock granularity.
        Files.setLastModifiedTime(root.resolve(BIG), FileTime.from(LONG_AGO));
        declared = manifestOf(root);
        // ctime is kept by the kernel at a coarse clock (a few ms); let it move on before the read starts.
        Thread.sleep(50);
    }

    IntegrityReport verifyWhile(FileHasher.ReadHook writer) {
        AtomicBoolean once = new AtomicBoolean();
        FileHasher.ReadHook first = (path, read) -> {
            if (path.equals(BIG) && read >= FileHasher.DEFAULT_BUFFER && once.compareAndSet(false, true)) {
                writer.afterChunk(path, read);
            }
        };
        return new IntegrityEngine(EngineOptions.defaults(), first).verify(root, declared);
    }

    static Finding only(IntegrityReport r) {
        assertEquals(1, r.findings().size(), r.findings()::toString);
        return r.findings().get(0);
    }

    @Test
    void aByteRewrittenBehindTheReaderFails() {
        IntegrityReport r = verifyWhile((p, n) -> overwrite(root.resolve(BIG), 10));
        Finding f = only(r);
        assertEquals(FindingKind.CHANGED_DURING_READ, f.kind());
        assertTrue(f.message().startsWith(BIG + ": changed while it was read (modified 2026-01-01T00:00:00Z -> "),
                f.message());
        assertTrue(f.message().endsWith("; verify again once nothing writes to the volume"), f.message());
        assertEquals(1, r.exitCode());
    }

    @Test
    void aWriterThatPutsTheModificationTimeBackIsSeenByCtime() {
        IntegrityReport r = verifyWhile((p, n) -> {
            Path big = root.resolve(BIG);
            overwrite(big, 10);
            Files.setLastModifiedTime(big, FileTime.from(LONG_AGO));
        });
        Finding f = only(r);
        assertEquals(FindingKind.CHANGED_DURING_READ, f.kind());
        assertTrue(f.message().contains("status changed"), f.message());
        assertTrue(!f.message().contains("modified"), f.message());
    }

    @Test
    void anAppendDuringTheReadFails() {
        IntegrityReport r = verifyWhile((p, n) -> Files.write(root.resolve(BIG), new byte[] {1},
                java.nio.file.StandardOpenOption.APPEND));
        Finding f = only(r);
        assertEquals(FindingKind.CHANGED_DURING_READ, f.kind());
        assertTrue(f.message().contains("size 1048576 -> 1048577 bytes"), f.message());
    }

    @Test
    void aFileRenamedOverTheNameDuringTheReadFails() {
        IntegrityReport r = verifyWhile((p, n) -> {
            Path other = root.resolve("checkpoints/.other");
            Files.write(other, new byte[] {1, 2, 3});
            Files.move(other, root.resolve(BIG), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        });
        Finding f = only(r);
        assertEquals(FindingKind.CHANGED_DURING_READ, f.kind());
        assertTrue(f.message().startsWith(BIG + ": was replaced while it was read"), f.message());
    }

    @Test
    void aQuietReadPasses() {
        IntegrityReport r = verifyWhile((p, n) -> { });
        assertTrue(r.ok(), r.findings()::toString);
        assertEquals(List.of(), r.findings());
    }

    private static void overwrite(Path p, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0xff);
        }
    }
}
