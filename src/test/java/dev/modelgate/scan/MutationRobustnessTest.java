package dev.modelgate.scan;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.modelgate.scan.Fixtures.ZipMember;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * A cheap stand-in for fuzzing until Jazzer runs: thousands of seeded mutations of valid fixtures of every
 * scanned format. No exception may escape the scanner and every scan must end quickly.
 */
class MutationRobustnessTest {

    static List<byte[]> seeds() {
        List<byte[]> s = new ArrayList<>();
        byte[] state = Fixtures.torchLikeStateDict();
        s.add(state);
        s.add(Fixtures.call("os", "system", "id"));
        s.add(Fixtures.zip(new ZipMember("archive/data.pkl", state), new ZipMember("archive/data/0", new byte[64]),
                new ZipMember("archive/x.pkl", state).deflate()));
        s.add(Fixtures.zip(new ZipMember("inner.zip", Fixtures.zip(new ZipMember("data.pkl", state)))));
        s.add(Fixtures.npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", state));
        s.add(Fixtures.safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"__metadata__\":{\"format\":\"pt\"}}", 8));
        s.add(Fixtures.gguf("{% for m in messages %}{{ m['content'] }}{% endfor %}", 4, 0));
        s.add(Fixtures.onnxModel(Fixtures.concat(Fixtures.pb(1, Fixtures.pbString(4, "MatMul")),
                Fixtures.pb(5, Fixtures.onnxExternalTensor("W1", "weights.bin")))));
        s.add(("\u0089HDF\r\n\u001a\n\u0000model_config\u0000{\"class_name\": \"Sequential\", \"config\": "
                + "{\"layers\": [{\"class_name\": \"Lambda\", \"config\": {}}]}}").getBytes(StandardCharsets.ISO_8859_1));
        s.add(Fixtures.zip(new ZipMember("metadata.json", "{}".getBytes(StandardCharsets.UTF_8)),
                new ZipMember("config.json", "{\"class_name\": \"Lambda\", \"module\": \"x\"}".getBytes(StandardCharsets.UTF_8))
                        .deflate()));
        s.add(Fixtures.pb(2, Fixtures.pb(2, Fixtures.pb(1, Fixtures.pbString(1, "bad"), Fixtures.pbString(2, "PyFunc")))));
        s.add(Fixtures.tar(new String[] {"sys_info", "pickle"}, new byte[][] {state, state}));
        return s;
    }

    @Test
    void mutatedInputsNeverThrowOrHang() {
        ModelScanner scanner = new ModelScanner();
        long seedValue = Long.getLong("scan.mutation.seed", 20261122L);
        int rounds = Integer.getInteger("scan.mutations", 1000);
        Random rnd = new Random(seedValue);
        String[] names = {"m.pt", "m.pkl", "m.npy", "m.safetensors", "m.zip", "m.bin", "m.gguf", "m.onnx", "m.h5", "m.keras", "saved_model.pb", "g.pb"};
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(Math.max(120, rounds / 10)), () -> {
            for (byte[] seed : seeds()) {
                for (int i = 0; i < rounds; i++) {
                    byte[] b = mutate(seed, rnd);
                    String name = names[rnd.nextInt(names.length)];
                    try {
                        assertNotNull(scanner.scan(name, ByteSource.of(b)));
                    } catch (RuntimeException | java.io.IOException e) {
                        throw new AssertionError("scanner threw on mutation " + i + " (seed " + seedValue + ")" + " of a " + seed.length
                                + "-byte seed as " + name + ": " + e, e);
                    }
                }
            }
        });
    }

    static byte[] mutate(byte[] seed, Random rnd) {
        byte[] b = seed.clone();
        int kind = rnd.nextInt(4);
        if (kind == 0) { // flip some bytes
            for (int k = 0; k < 1 + rnd.nextInt(8); k++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
        } else if (kind == 1) { // truncate
            b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
        } else if (kind == 2) { // extreme values in length-like positions
            int p = rnd.nextInt(Math.max(1, b.length - 4));
            byte v = rnd.nextBoolean() ? (byte) 0xff : (byte) 0x7f;
            for (int k = 0; k < 4 && p + k < b.length; k++) {
                b[p + k] = v;
            }
        } else { // duplicate a slice
            int from = rnd.nextInt(b.length);
            int len = rnd.nextInt(Math.min(64, b.length - from) + 1);
            byte[] out = new byte[b.length + len];
            System.arraycopy(b, 0, out, 0, from + len);
            System.arraycopy(b, from, out, from + len, b.length - from);
            b = out;
        }
        return b;
    }
}
