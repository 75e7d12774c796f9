package dev.modelgate.integrity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Builds small model folders for tests: deterministic bytes, ComfyUI-like layout. */
public final class ModelDirs {
    private ModelDirs() {
    }

    /** checkpoints/base.safetensors (64 KiB), vae/vae.safetensors (3000 B), loras/style.safetensors (abc). */
    public static Path comfyLayout(Path root) throws IOException {
        write(root.resolve("checkpoints/base.safetensors"), bytes(65536, 1));
        write(root.resolve("vae/vae.safetensors"), bytes(3000, 2));
        write(root.resolve("loras/style.safetensors"), "abc".getBytes(StandardCharsets.US_ASCII));
        return root;
    }

    /** The same layout with well-formed safetensors files (one F32 tensor each), which scan clean. */
    public static Path cleanComfyLayout(Path root) throws IOException {
        write(root.resolve("checkpoints/base.safetensors"), safetensors(4096));
        write(root.resolve("vae/vae.safetensors"), safetensors(64));
        write(root.resolve("loras/style.safetensors"), safetensors(8));
        return root;
    }

    /** A well-formed safetensors file holding one F32 tensor of {@code floats} elements. */
    public static byte[] safetensors(int floats) {
        return dev.modelgate.scan.Fixtures.safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[" + floats
                + "],\"data_offsets\":[0," + floats * 4 + "]}}", floats * 4);
    }

    public static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    public static void write(Path p, byte[] data) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, data);
    }

    public static void flipByte(Path p, long offset) throws IOException {
        byte[] b = Files.readAllBytes(p);
        b[(int) offset] ^= 0x01;
        Files.write(p, b);
    }

    public static Manifest manifestOf(Path root) {
        IntegrityReport r = new IntegrityEngine().describe(root);
        if (!r.ok()) {
            throw new AssertionError("fixture is not clean: " + r.findings());
        }
        return r.manifest();
    }

    public static List<String> kinds(IntegrityReport r) {
        return r.findings().stream().map(f -> f.kind().id() + ":" + f.path()).toList();
    }
}
