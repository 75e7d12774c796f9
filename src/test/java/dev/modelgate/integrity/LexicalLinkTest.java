package dev.modelgate.integrity;

import static dev.modelgate.integrity.ModelDirs.comfyLayout;
import static dev.modelgate.integrity.ModelDirs.kinds;
import static dev.modelgate.integrity.ModelDirs.manifestOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Symbolic links are judged on their text, relative to the link's folder, never by asking the kernel: the
 * verifier mounts the volume at /modelgate/volume, the application elsewhere, so only a link that stays inside
 * the root at every step names the same bytes in both views. Here the root is a folder called "volume", as the
 * verifier sees it.
 */
class LexicalLinkTest {

    @TempDir
    Path tmp;

    Path root() throws IOException {
        return comfyLayout(tmp.resolve("volume"));
    }

    static Manifest with(Manifest m, String path, String sha256, long size) {
        List<ManifestEntry> all = new ArrayList<>(m.entries());
        all.add(new ManifestEntry(path, sha256, size));
        return Manifest.of(all);
    }

    /** {@code m} (the real files, hashed before any link exists) plus {@code link} declared with style's bytes. */
    static Manifest withLink(Manifest m, String link) {
        ManifestEntry style = m.get("loras/style.safetensors").orElseThrow();
        return with(m, link, style.sha256(), style.size());
    }

    static Finding only(IntegrityReport r) {
        assertEquals(1, r.findings().size(), r.findings()::toString);
        return r.findings().get(0);
    }

    @Test
    void aRelativeLinkToADeclaredFileVerifies() throws IOException {
        Path root = root();
        Manifest real = manifestOf(root);
        Files.createSymbolicLink(root.resolve("checkpoints/style-alias.safetensors"),
                Path.of("../loras/style.safetensors"));
        IntegrityReport r = new IntegrityEngine().verify(root, withLink(real, "checkpoints/style-alias.safetensors"));
        assertTrue(r.ok(), r.findings()::toString);
    }

    /** The case: lands inside the volume in the verifier's view, elsewhere in the application's. */
    @Test
    void aLinkClimbingAboveTheRootAndBackDownIsRefused() throws IOException {
        Path root = root();
        Manifest real = manifestOf(root);
        Files.createSymbolicLink(root.resolve("loras/alias.safetensors"),
                Path.of("../../volume/loras/style.safetensors"));
        assertTrue(Files.isRegularFile(root.resolve("loras/alias.safetensors")), "the kernel resolves it inside here");
        IntegrityReport r = new IntegrityEngine().verify(root, withLink(real, "loras/alias.safetensors"));
        Finding f = only(r);
        assertEquals(FindingKind.SYMLINK_ESCAPE, f.kind());
        assertEquals("loras/alias.safetensors: is a symbolic link to '../../volume/loras/style.safetensors', which "
                + "climbs above the volume root; a link may only name a file of the volume without leaving it at any "
                + "step", f.message());
        assertEquals(1, r.exitCode());
        // Never read: only the three declared real files were hashed.
        assertEquals(65536 + 3000 + 3, r.bytesHashed());
    }

    @Test
    void anAbsoluteLinkIsRefusedEvenWhenItPointsInsideTheRoot() throws IOException {
        Path root = root();
        Manifest real = manifestOf(root);
        Files.createSymbolicLink(root.resolve("loras/alias.safetensors"), root.resolve("loras/style.safetensors"));
        IntegrityReport r = new IntegrityEngine().verify(root, withLink(real, "loras/alias.safetensors"));
        Finding f = only(r);
        assertEquals(FindingKind.SYMLINK_ESCAPE, f.kind());
        assertTrue(f.message().contains("an absolute path; only relative links that stay inside the volume"),
                f.message());
        assertEquals(List.of("symlink-escape:loras/alias.safetensors"),
                kinds(new IntegrityEngine().describe(root)), "approve refuses it too");
    }

    @Test
    void aLinkToAnUndeclaredFileIsRefusedEvenWhenNotStrict() throws IOException {
        Path root = root();
        Manifest real = manifestOf(root);
        ModelDirs.write(root.resolve("loras/other.bin"), "abc".getBytes());
        Files.createSymbolicLink(root.resolve("loras/alias.safetensors"), Path.of("other.bin"));
        IntegrityReport r = new IntegrityEngine(EngineOptions.defaults().withStrict(false))
                .verify(root, withLink(real, "loras/alias.safetensors"));
        Finding f = only(r);
        assertEquals(FindingKind.SYMLINK_ESCAPE, f.kind());
        assertEquals("loras/alias.safetensors: is a symbolic link to 'other.bin', that is loras/other.bin, which no "
                + "model declares; a link may only name a declared file", f.message());
    }

    @Test
    void aLinkThroughAFolderLinkIsRefused() throws IOException {
        Path root = root();
        Manifest real = manifestOf(root);
        Files.createSymbolicLink(root.resolve("l"), Path.of("loras"));
        Files.createSymbolicLink(root.resolve("checkpoints/a.safetensors"), Path.of("../l/style.safetensors"));
        // ".." after a folder link means the link target's parent to the kernel: also refused
        Files.createSymbolicLink(root.resolve("checkpoints/b.safetensors"), Path.of("../l/../loras/style.safetensors"));
        Manifest m = withLink(real, "checkpoints/a.safetensors");
        m = with(m, "checkpoints/b.safetensors", m.get("checkpoints/a.safetensors").orElseThrow().sha256(), 3);
        IntegrityReport r = new IntegrityEngine(EngineOptions.defaults().withStrict(false)).verify(root, m);
        assertEquals(List.of("symlink-escape:checkpoints/a.safetensors", "symlink-escape:checkpoints/b.safetensors",
                "symlink-directory:l"), kinds(r));
        assertTrue(r.findings().get(0).message().contains("passes through l, itself a symbolic link"),
                r.findings()::toString);
    }

    @Test
    void aDotDotInsideTheRootIsFineThroughRealFolders() throws IOException {
        Path root = root();
        Manifest real = manifestOf(root);
        Files.createSymbolicLink(root.resolve("loras/alias.safetensors"),
                Path.of("./../vae/../loras//style.safetensors"));
        IntegrityReport r = new IntegrityEngine().verify(root, withLink(real, "loras/alias.safetensors"));
        assertTrue(r.ok(), r.findings()::toString);
    }

    @Test
    void chainsAreJudgedAtEveryHop() throws IOException {
        Path root = root();
        Manifest real = manifestOf(root);
        // a -> b -> style: fine (b is declared too)
        Files.createSymbolicLink(root.resolve("loras/b.safetensors"), Path.of("style.safetensors"));
        Files.createSymbolicLink(root.resolve("checkpoints/a.safetensors"), Path.of("../loras/b.safetensors"));
        Manifest m = withLink(real, "loras/b.safetensors");
        m = with(m, "checkpoints/a.safetensors", m.get("loras/b.safetensors").orElseThrow().sha256(), 3);
        assertTrue(new IntegrityEngine().verify(root, m).ok());

        // c -> d, where d climbs out: c is refused, and so is d
        Files.createSymbolicLink(root.resolve("loras/d.safetensors"), Path.of("../../volume/loras/style.safetensors"));
        Files.createSymbolicLink(root.resolve("vae/c.safetensors"), Path.of("../loras/d.safetensors"));
        m = with(with(m, "loras/d.safetensors", m.get("loras/b.safetensors").orElseThrow().sha256(), 3),
                "vae/c.safetensors", m.get("loras/b.safetensors").orElseThrow().sha256(), 3);
        IntegrityReport r = new IntegrityEngine().verify(root, m);
        assertEquals(List.of("symlink-escape:loras/d.safetensors", "symlink-escape:vae/c.safetensors"), kinds(r));
        assertTrue(r.findings().get(1).message().contains("(through the link loras/d.safetensors)"),
                r.findings()::toString);
    }

    @Test
    void loopsAndLongChainsEnd() throws IOException {
        Path root = root();
        Manifest real = manifestOf(root);
        Files.createSymbolicLink(root.resolve("loras/x"), Path.of("y"));
        Files.createSymbolicLink(root.resolve("loras/y"), Path.of("x"));
        IntegrityReport r = new IntegrityEngine().describe(root);
        assertEquals(List.of("symlink-broken:loras/x", "symlink-broken:loras/y"), kinds(r));
        assertTrue(r.findings().get(0).message().contains("chain of more than " + ModelTree.MAX_LINK_HOPS),
                r.findings()::toString);
    }

    @Test
    void linksToTheRootToFoldersAndToNothingAreRefused() throws IOException {
        Path root = root();
        Manifest real = manifestOf(root);
        Files.createSymbolicLink(root.resolve("loras/root"), Path.of(".."));
        Files.createSymbolicLink(root.resolve("loras/gone"), Path.of("../vae/gone/x"));
        Files.createSymbolicLink(root.resolve("loras/through-file"), Path.of("style.safetensors/x"));
        IntegrityReport r = new IntegrityEngine().describe(root);
        assertEquals(List.of("symlink-broken:loras/gone", "symlink-directory:loras/root",
                "symlink-broken:loras/through-file"), kinds(r));
    }
}
