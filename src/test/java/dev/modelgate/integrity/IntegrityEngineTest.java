package dev.modelgate.integrity;

import static dev.modelgate.integrity.ModelDirs.comfyLayout;
import static dev.modelgate.integrity.ModelDirs.flipByte;
import static dev.modelgate.integrity.ModelDirs.kinds;
import static dev.modelgate.integrity.ModelDirs.manifestOf;
import static dev.modelgate.integrity.ModelDirs.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class IntegrityEngineTest {

    static final String SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    static final String SHA256_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @TempDir
    Path tmp;

    Path models() throws IOException {
        return comfyLayout(tmp.resolve("models"));
    }

    @Test
    void describeHashesEveryFileWithKnownDigests() throws IOException {
        Path root = models();
        write(root.resolve("empty.bin"), new byte[0]);
        IntegrityReport r = new IntegrityEngine().describe(root);
        assertTrue(r.ok(), r.findings()::toString);
        assertEquals(4, r.manifest().size());
        assertEquals(SHA256_ABC, r.manifest().get("loras/style.safetensors").orElseThrow().sha256());
        assertEquals(SHA256_EMPTY, r.manifest().get("empty.bin").orElseThrow().sha256());
        assertEquals(65536, r.manifest().get("checkpoints/base.safetensors").orElseThrow().size());
        assertEquals(65536 + 3000 + 3, r.bytesHashed());
        assertEquals(0, r.exitCode());
    }

    @Test
    void verifyAcceptsTheApprovedFiles() throws IOException {
        Path root = models();
        IntegrityReport r = new IntegrityEngine().verify(root, manifestOf(root));
        assertTrue(r.ok(), r.findings()::toString);
        assertEquals(3, r.files().size());
        assertTrue(r.files().stream().allMatch(FileResult::ok));
    }

    @Test
    void tamperedByteIsADigestMismatch() throws IOException {
        Path root = models();
        Manifest m = manifestOf(root);
        flipByte(root.resolve("checkpoints/base.safetensors"), 40000);
        IntegrityReport r = new IntegrityEngine().verify(root, m);
        assertEquals(List.of("digest-mismatch:checkpoints/base.safetensors"), kinds(r));
        Finding f = r.findings().get(0);
        assertEquals(m.get("checkpoints/base.safetensors").orElseThrow().sha256(), f.expected());
        assertTrue(f.message().startsWith("checkpoints/base.safetensors: sha256 is"), f.message());
        assertEquals(1, r.exitCode());
    }

    @Test
    void truncatedFileIsASizeMismatch() throws IOException {
        Path root = models();
        Manifest m = manifestOf(root);
        try (FileChannel ch = FileChannel.open(root.resolve("vae/vae.safetensors"), StandardOpenOption.WRITE)) {
            ch.truncate(2999);
        }
        IntegrityReport r = new IntegrityEngine().verify(root, m);
        assertEquals(List.of("size-mismatch:vae/vae.safetensors"), kinds(r));
        assertTrue(r.findings().get(0).message().contains("2999 bytes, expected 3000 (truncated?)"));
        assertEquals(1, r.exitCode());
    }

    @Test
    void extraFileFailsInStrictModeOnly() throws IOException {
        Path root = models();
        Manifest m = manifestOf(root);
        write(root.resolve("loras/stray.ckpt"), new byte[] {1, 2, 3, 4});
        IntegrityReport strict = new IntegrityEngine().verify(root, m);
        assertEquals(List.of("extra:loras/stray.ckpt"), kinds(strict));
        assertEquals(1, strict.exitCode());

        IntegrityReport lenient = new IntegrityEngine(EngineOptions.defaults().withStrict(false)).verify(root, m);
        assertTrue(lenient.ok(), lenient.findings()::toString);

        IntegrityReport ignored = new IntegrityEngine(EngineOptions.defaults()
                .withIgnore(new IgnoreRules(List.of("*.ckpt")))).verify(root, m);
        assertTrue(ignored.ok(), ignored.findings()::toString);
    }

    @Test
    void ignoreGlobsWithSlashMatchWholePaths() throws IOException {
        Path root = models();
        Manifest m = manifestOf(root);
        write(root.resolve(".cache/a/b.tmp"), new byte[] {1});
        write(root.resolve("loras/c.tmp"), new byte[] {1});
        IntegrityReport r = new IntegrityEngine(EngineOptions.defaults()
                .withIgnore(new IgnoreRules(List.of(".cache/**")))).verify(root, m);
        assertEquals(List.of("extra:loras/c.tmp"), kinds(r));
    }

    @Test
    void ignoreGlobsNeverHideADeclaredFile() throws IOException {
        Path root = models();
        Manifest m = manifestOf(root);
        flipByte(root.resolve("vae/vae.safetensors"), 0);
        write(root.resolve("vae/notes.txt"), new byte[] {1});
        IntegrityReport r = new IntegrityEngine(EngineOptions.defaults()
                .withIgnore(new IgnoreRules(List.of("*.safetensors", "vae", "*.txt")))).verify(root, m);
        // The tampered declared file is still judged; only the stray is ignored.
        assertEquals(List.of("digest-mismatch:vae/vae.safetensors"), kinds(r));
    }

    @Test
    void missingFileIsNamed() throws IOException {
        Path root = models();
        Manifest m = manifestOf(root);
        Files.delete(root.resolve("vae/vae.safetensors"));
        IntegrityReport r = new IntegrityEngine().verify(root, m);
        assertEquals(List.of("missing:vae/vae.safetensors"), kinds(r));
        assertTrue(r.findings().get(0).message().contains("not on the volume"));
    }

    @Test
    void renamedFileIsReportedAsARenameNotAsMissingPlusExtra() throws IOException {
        Path root = models();
        Manifest m = manifestOf(root);
        Files.move(root.resolve("vae/vae.safetensors"), root.resolve("vae/other.safetensors"));
        IntegrityReport r = new IntegrityEngine().verify(root, m);
        assertEquals(List.of("renamed:vae/vae.safetensors"), kinds(r));
        assertEquals("vae/other.safetensors", r.findings().get(0).actual());
        assertEquals(1, r.exitCode());
    }

    @Test
    void renameIsAFailureEvenWithoutStrictMode() throws IOException {
        Path root = models();
        Manifest m = manifestOf(root);
        Files.move(root.resolve("vae/vae.safetensors"), root.resolve("vae/other.safetensors"));
        IntegrityReport r = new IntegrityEngine(EngineOptions.defaults().withStrict(false)).verify(root, m);
        assertEquals(List.of("missing:vae/vae.safetensors"), kinds(r));
    }

    @Test
    void swappedFilesNameEachOther() throws IOException {
        Path root = tmp.resolve("swap");
        write(root.resolve("a.bin"), ModelDirs.bytes(100, 7));
        write(root.resolve("b.bin"), ModelDirs.bytes(100, 8));
        Manifest m = manifestOf(root);
        Files.move(root.resolve("a.bin"), root.resolve("t"));
        Files.move(root.resolve("b.bin"), root.resolve("a.bin"));
        Files.move(root.resolve("t"), root.resolve("b.bin"));
        IntegrityReport r = new IntegrityEngine().verify(root, m);
        assertEquals(List.of("digest-mismatch:a.bin", "digest-mismatch:b.bin"), kinds(r));
        assertTrue(r.findings().get(0).message().contains("bytes declared for b.bin"), r.findings().get(0).message());
    }

    @Test
    void symlinkOutsideTheRootIsRefused() throws IOException {
        Path root = models();
        Manifest m = manifestOf(root);
        Path outside = tmp.resolve("outside.bin");
        Files.write(outside, "abc".getBytes());
        Files.delete(root.resolve("loras/style.safetensors"));
        Files.createSymbolicLink(root.resolve("loras/style.safetensors"), outside);
        IntegrityReport r = new IntegrityEngine().verify(root, m);
        // Same bytes, but from outside the volume: refused, never read.
        assertEquals(List.of("symlink-escape:loras/style.safetensors"), kinds(r));
        assertTrue(r.findings().get(0).message().contains("an absolute path"), r.findings()::toString);
        assertEquals(0, r.bytesHashed() - 65536 - 3000);
    }

    @Test
    void relativeSymlinkClimbingOutIsRefused() throws IOException {
        Path root = models();
        Files.createSymbolicLink(root.resolve("loras/up.safetensors"), Path.of("../../outside"));
        Files.write(tmp.resolve("outside"), new byte[] {1});
        IntegrityReport r = new IntegrityEngine().describe(root);
        assertEquals(List.of("symlink-escape:loras/up.safetensors"), kinds(r));
    }

    @Test
    void symlinkInsideTheRootIsHashedThroughItsTarget() throws IOException {
        Path root = models();
        Files.createSymbolicLink(root.resolve("loras/alias.safetensors"), Path.of("style.safetensors"));
        IntegrityReport r = new IntegrityEngine().describe(root);
        assertTrue(r.ok(), r.findings()::toString);
        assertEquals(SHA256_ABC, r.manifest().get("loras/alias.safetensors").orElseThrow().sha256());
    }

    @Test
    void brokenSymlinkAndDirectorySymlinkAreRefused() throws IOException {
        Path root = models();
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("nowhere"));
        Files.createSymbolicLink(root.resolve("dirlink"), Path.of("loras"));
        IntegrityReport r = new IntegrityEngine().describe(root);
        assertEquals(List.of("symlink-broken:dangling", "symlink-directory:dirlink"), kinds(r));
    }

    @Test
    void hardLinkIsRefused() throws IOException {
        Path root = models();
        Manifest m = manifestOf(root);
        Files.createLink(tmp.resolve("second-name"), root.resolve("vae/vae.safetensors"));
        IntegrityReport r = new IntegrityEngine().verify(root, m);
        assertEquals(List.of("hard-link:vae/vae.safetensors"), kinds(r));
        assertTrue(r.findings().get(0).message().contains("2 names share its bytes"));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void fifoIsRefusedWithoutBeingOpened() throws Exception {
        Path root = models();
        Path fifo = root.resolve("loras/pipe.safetensors");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(p.waitFor() == 0, "mkfifo is not available");
        // Opening a FIFO with no writer would block forever; the engine must not open it.
        IntegrityReport r = new IntegrityEngine().describe(root);
        assertEquals(List.of("special-file:loras/pipe.safetensors"), kinds(r));
    }

    @Test
    void fileSwappedForALinkAfterTheWalkIsRefusedNotFollowed() throws Exception {
        Path root = models();
        Path outside = Files.write(tmp.resolve("outside"), "abc".getBytes());
        ModelTree tree = ModelTree.walk(root, IgnoreRules.NONE);
        ModelTree.Entry entry = tree.files().get("loras/style.safetensors");
        Files.delete(entry.content());
        Files.createSymbolicLink(entry.content(), outside);
        FileHasher hasher = new FileHasher(FileHasher.DEFAULT_BUFFER);
        FileHasher.FileChangedException e = org.junit.jupiter.api.Assertions.assertThrows(
                FileHasher.FileChangedException.class,
                () -> hasher.hash(entry.path(), entry.content(), entry.size(), Long.MAX_VALUE, List.of()));
        assertTrue(e.getMessage().contains("no longer a regular file"), e.getMessage());
    }

    @Test
    void declaredPathThatIsADirectoryIsRefused() throws IOException {
        Path root = models();
        Manifest m = Manifest.of(List.of(new ManifestEntry("loras", SHA256_ABC, 3)));
        IntegrityReport r = new IntegrityEngine(EngineOptions.defaults().withStrict(false)).verify(root, m);
        assertEquals(List.of("not-a-file:loras"), kinds(r));
    }

    @Test
    void emptyDirectoryIsBadInputToDescribeAndMissingFilesToVerify() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("empty"));
        IntegrityReport d = new IntegrityEngine().describe(root);
        assertEquals(2, d.exitCode());
        assertTrue(d.findings().get(0).message().contains("contains no files"));

        Manifest m = Manifest.of(List.of(new ManifestEntry("model.gguf", SHA256_ABC, 3)));
        IntegrityReport v = new IntegrityEngine().verify(root, m);
        assertEquals(List.of("missing:model.gguf"), kinds(v));
        assertEquals(1, v.exitCode());
    }

    @Test
    void missingRootOrFileAsRootIsBadInput() throws IOException {
        IntegrityReport r = new IntegrityEngine().verify(tmp.resolve("nope"), Manifest.of(List.of()));
        assertEquals(2, r.exitCode());
        assertTrue(r.findings().get(0).message().contains("does not exist"));
        Path file = Files.write(tmp.resolve("file"), new byte[] {1});
        assertTrue(new IntegrityEngine().describe(file).findings().get(0).message().contains("is not a directory"));
    }

    @Test
    void unreadableFileIsAnIoFailure() throws IOException {
        assumeTrue(!"root".equals(System.getProperty("user.name")),
                "running as root: permissions do not stop reads (the CLI test covers this with a dropped user)");
        Path root = models();
        Manifest m = manifestOf(root);
        Path f = root.resolve("vae/vae.safetensors");
        assertTrue(f.toFile().setReadable(false, false));
        try {
            IntegrityReport r = new IntegrityEngine().verify(root, m);
            assertEquals(List.of("unreadable:vae/vae.safetensors"), kinds(r));
            assertEquals(3, r.exitCode());
        } finally {
            f.toFile().setReadable(true, false);
        }
    }

    @Test
    void manifestRefusesTraversalAndBadDigests() {
        assertThrowsWithMessage(() -> new ManifestEntry("../x", SHA256_ABC, 1), "'..' segment");
        assertThrowsWithMessage(() -> new ManifestEntry("/etc/passwd", SHA256_ABC, 1), "absolute");
        assertThrowsWithMessage(() -> new ManifestEntry("a.bin", "xyz", 1), "not 64 lower-case hex");
        assertThrowsWithMessage(() -> new ManifestEntry("a.bin", SHA256_ABC, -1), "negative");
        assertThrowsWithMessage(() -> Manifest.of(List.of(new ManifestEntry("a", SHA256_ABC, 3),
                new ManifestEntry("a", SHA256_EMPTY, 0))), "declared twice");
    }

    @Test
    void manifestDigestIsOrderIndependentAndSensitiveToEveryField() {
        ManifestEntry a = new ManifestEntry("a.bin", SHA256_ABC, 3);
        ManifestEntry b = new ManifestEntry("b/c.bin", SHA256_EMPTY, 0);
        String d = Manifest.of(List.of(a, b)).digest();
        assertEquals(d, Manifest.of(List.of(b, a)).digest());
        // The documented form: sha256 of "<sha256> <size> <path>\n" lines in path order.
        java.security.MessageDigest md = Sha256.newDigest();
        md.update((SHA256_ABC + " 3 a.bin\n" + SHA256_EMPTY + " 0 b/c.bin\n").getBytes());
        assertEquals("sha256:" + java.util.HexFormat.of().formatHex(md.digest()), d);
        assertFalse(d.equals(Manifest.of(List.of(new ManifestEntry("a2.bin", SHA256_ABC, 3), b)).digest()));
        assertFalse(d.equals(Manifest.of(List.of(new ManifestEntry("a.bin", SHA256_ABC, 4), b)).digest()));
    }

    @Test
    void parallelAndSequentialHashingAgree() throws IOException {
        Path root = tmp.resolve("many");
        for (int i = 0; i < 40; i++) {
            write(root.resolve("shard-" + i + ".bin"), ModelDirs.bytes(1000 + i * 5000, i));
        }
        IntegrityReport one = new IntegrityEngine(EngineOptions.defaults().withThreads(1)).describe(root);
        IntegrityReport four = new IntegrityEngine(EngineOptions.defaults().withThreads(4)).describe(root);
        assertEquals(one.manifest(), four.manifest());
        assertEquals(40, four.manifest().size());
        assertTrue(new IntegrityEngine(EngineOptions.defaults().withThreads(3)).verify(root, four.manifest()).ok());
    }

    @Test
    void smallBuffersHashMultiChunkFilesCorrectly() throws IOException {
        Path root = tmp.resolve("chunks");
        write(root.resolve("big.bin"), ModelDirs.bytes(4096 * 5 + 17, 3));
        Manifest bigBuffer = manifestOf(root);
        IntegrityReport r = new IntegrityEngine(EngineOptions.defaults().withBufferSize(4096)).describe(root);
        assertEquals(bigBuffer, r.manifest());
    }

    @Test
    void contentChecksSeeEveryByteOnTheSamePassAndCanRefuse() throws IOException {
        Path root = models();
        Manifest m = manifestOf(root);
        AtomicLong seen = new AtomicLong();
        List<String> digestsSeen = new ArrayList<>();
        ContentCheck counting = new ContentCheck() {
            public String name() {
                return "count";
            }

            public Session open(String path, long size) {
                return new Session() {
                    public void update(byte[] b, int off, int len) {
                        seen.addAndGet(len);
                    }

                    public List<Finding> finish(String sha256) {
                        synchronized (digestsSeen) {
                            digestsSeen.add(sha256);
                        }
                        return path.endsWith("style.safetensors")
                                ? List.of(new Finding(FindingKind.CONTENT_CHECK, path, path + ": refused by test check"))
                                : List.of();
                    }
                };
            }
        };
        IntegrityReport r = new IntegrityEngine(EngineOptions.defaults().withChecks(List.of(counting))).verify(root, m);
        assertEquals(65536 + 3000 + 3, seen.get());
        assertTrue(digestsSeen.contains(SHA256_ABC));
        assertEquals(List.of("content-check:loras/style.safetensors"), kinds(r));
        assertEquals(1, r.exitCode());
    }

    @Test
    void fileLongerThanDeclaredIsReadOnlyUpToTheDeclaredSizePlusOne() throws IOException {
        Path root = models();
        Manifest declared = Manifest.of(List.of(new ManifestEntry("loras/style.safetensors", SHA256_ABC, 3)));
        // Replace with same-size content and verify the bound is the declared size (+1 byte to notice growth).
        IntegrityReport r = new IntegrityEngine(EngineOptions.defaults().withStrict(false)).verify(root, declared);
        assertTrue(r.ok());
        assertEquals(3, r.bytesHashed());
        assertNotNull(r.files().get(0).sha256());
    }

    private static void assertThrowsWithMessage(org.junit.jupiter.api.function.Executable e, String part) {
        IllegalArgumentException ex = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(part), ex.getMessage());
    }
}
