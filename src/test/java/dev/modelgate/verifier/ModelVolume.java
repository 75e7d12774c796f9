package dev.modelgate.verifier;

import dev.modelgate.api.v1alpha1.ModelFile;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.integrity.ModelDirs;
import dev.modelgate.integrity.Sha256;
import dev.modelgate.policy.PlanBuilder;
import dev.modelgate.policy.PlanSettings;
import dev.modelgate.policy.VerificationPlan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Model files for verifier tests: valid safetensors with random data, declared as the API server holds them. */
public final class ModelVolume {

    private ModelVolume() {
    }

    /** A small, valid safetensors file: one U8 tensor of {@code dataBytes} random bytes. */
    public static byte[] safetensors(int dataBytes, long seed) {
        String json = "{\"w\":{\"dtype\":\"U8\",\"shape\":[" + dataBytes + "],\"data_offsets\":[0," + dataBytes + "]}}";
        while ((json.length() + 8) % 8 != 0) {
            json += " ";
        }
        byte[] h = json.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = h.length;
        for (int i = 0; i < 8; i++) {
            out.write((int) (n >>> (8 * i)) & 0xff);
        }
        out.writeBytes(h);
        byte[] data = new byte[dataBytes];
        new Random(seed).nextBytes(data);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** The declaration of {@code data} at {@code path} (no url). */
    public static ModelFile declare(String path, byte[] data) {
        return new ModelFile(path, sha256(data), data.length);
    }

    /** Writes {@code data} at {@code path} below {@code root} and returns its declaration. */
    public static ModelFile put(Path root, String path, byte[] data) throws IOException {
        ModelDirs.write(root.resolve(path), data);
        return declare(path, data);
    }

    public static String sha256(byte[] data) {
        return HexFormat.of().formatHex(Sha256.newDigest().digest(data));
    }

    /** The plan the webhook would build for these models, with the volume mounted at {@code root}. */
    public static VerificationPlan plan(Path root, List<TrustedModel> models, Map<String, ModelSource> sources) {
        return PlanBuilder.build(models, sources, PlanSettings.defaults().withRoot(root.toAbsolutePath().toString()));
    }
}
