package dev.modelgate.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.integrity.ModelDirs;
import dev.modelgate.testing.SharedFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden tests: the statement ModelGate writes for the reference fixtures (upstream tests/conftest.py, described
 * in SOURCE.md) must equal, field by field and in field order, the one model_signing writes
 * (tests/_signing/testdata/signing/TestPayload). The one known difference: shard_size is written as an integer
 * (OMS schema) where the reference writes a double (8.0); they compare as numbers.
 */
class GoldenPayloadTest {

    static final Path GOLDEN = Path.of("../shared/vectors/oms/tests/_signing/testdata/signing/TestPayload");

    @TempDir
    Path tmp;

    /** Builds a fixture as upstream's conftest.py does; returns its root, named as the golden subject. */
    private Path fixture(String name) throws IOException {
        switch (name) {
            case "sample_model_folder" -> {
                Path root = tmp.resolve("sample_model");
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 3; j++) {
                        put(root.resolve("d" + i + "/f" + i + j), "This is file f" + i + j + " in d" + i + ".");
                    }
                }
                for (int i = 0; i < 4; i++) {
                    put(root.resolve("f" + i), "This is file f" + i + " in root.");
                }
                return root;
            }
            case "deep_model_folder" -> {
                Path root = tmp.resolve("deep_model");
                for (int i = 0; i < 4; i++) {
                    put(root.resolve("d0/d1/d2/d3/d4/f" + i), "This is file f" + i + ".");
                }
                return root;
            }
            case "model_folder_with_empty_file" -> {
                Path root = tmp.resolve("empty_file_inside_model");
                put(root.resolve("empty_file"), "");
                return root;
            }
            case "empty_model_folder" -> {
                return Files.createDirectories(tmp.resolve("empty_folder_model"));
            }
            default -> throw new IllegalArgumentException(name);
        }
    }

    private static void put(Path p, String content) throws IOException {
        ModelDirs.write(p, content.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "sample_model_folder", "sample_model_folder_shard", "sample_model_folder_small_shards",
            "deep_model_folder", "deep_model_folder_shard", "deep_model_folder_small_shards",
            "model_folder_with_empty_file", "model_folder_with_empty_file_shard",
            "model_folder_with_empty_file_small_shards",
            "empty_model_folder", "empty_model_folder_shard", "empty_model_folder_small_shards"})
    void statementMatchesTheReference(String golden) throws Exception {
        SharedFiles.require(GOLDEN, "golden payload tests");
        String fixture = golden.replaceAll("_(small_)?shards?$", "");
        OmsSigner.Options o = golden.endsWith("_small_shards") ? OmsSigner.Options.shards(8)
                : golden.endsWith("_shard") ? OmsSigner.Options.shards(OmsSigner.DEFAULT_SHARD_SIZE)
                : OmsSigner.Options.files();
        // The reference fixtures were hashed with allow_symlinks=True and no ignore paths recorded.
        OmsStatement mine = OmsSigner.statement(fixture(fixture), null, o.withAllowSymlinks(true), false, false);
        String expected = Files.readString(GOLDEN.resolve(golden));
        JsonNode want = OmsJson.MAPPER.readTree(expected);
        JsonNode have = OmsJson.MAPPER.readTree(mine.toJson());
        List<String> diffs = new ArrayList<>();
        compare("$", want, have, diffs);
        if (!diffs.isEmpty()) {
            fail(golden + " differs from the reference:\n" + String.join("\n", diffs) + "\n--- ours\n" + mine.toJson());
        }
        // Byte for byte too, once the reference's doubles are written as integers.
        assertEquals(expected.strip().replaceAll("\"shard_size\": (\\d+)\\.0", "\"shard_size\": $1"), mine.toJson());
        // And what we wrote parses back to the same statement, with a consistent subject.
        OmsStatement back = OmsStatement.parse(mine.toJsonBytes());
        back.requireConsistentSubject();
        assertEquals(mine, back);
    }

    /** Same fields in the same order, same values; numbers compare by value (8 equals 8.0). */
    static void compare(String path, JsonNode want, JsonNode have, List<String> diffs) {
        if (want.isNumber() && have.isNumber()) {
            if (want.decimalValue().compareTo(have.decimalValue()) != 0) {
                diffs.add(path + ": " + want + " != " + have);
            }
            return;
        }
        if (want.getNodeType() != have.getNodeType()) {
            diffs.add(path + ": " + want.getNodeType() + " != " + have.getNodeType());
            return;
        }
        if (want.isObject()) {
            List<String> wk = new ArrayList<>();
            want.fieldNames().forEachRemaining(wk::add);
            List<String> hk = new ArrayList<>();
            have.fieldNames().forEachRemaining(hk::add);
            if (!wk.equals(hk)) {
                diffs.add(path + ": fields " + wk + " != " + hk);
            }
            for (Iterator<String> it = want.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (have.has(k)) {
                    compare(path + "." + k, want.get(k), have.get(k), diffs);
                }
            }
        } else if (want.isArray()) {
            if (want.size() != have.size()) {
                diffs.add(path + ": " + want.size() + " elements != " + have.size());
            }
            for (int i = 0; i < Math.min(want.size(), have.size()); i++) {
                compare(path + "[" + i + "]", want.get(i), have.get(i), diffs);
            }
        } else if (!want.equals(have)) {
            diffs.add(path + ": " + want + " != " + have);
        }
    }

    /**
     * Payloads ModelGate reads but never writes: single-file models ({@code modelgate sign} signs directories) and
     * folders with a link out of the model (refused by design). Signed by model_signing, they must still parse, with a
     * subject consistent with their resources, so their signatures can be verified.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sample_model_file", "sample_model_file_shard", "sample_model_file_small_shards",
            "empty_model_file", "empty_model_file_shard", "empty_model_file_small_shards",
            "symlink_model_folder", "symlink_model_folder_shard", "symlink_model_folder_small_shards"})
    void referencePayloadsModelGateDoesNotWriteParse(String golden) throws Exception {
        SharedFiles.require(GOLDEN, "golden payload tests");
        byte[] payload = Files.readAllBytes(GOLDEN.resolve(golden));
        OmsStatement statement = OmsStatement.parse(payload);
        statement.requireConsistentSubject();
        assertEquals(OmsJson.MAPPER.readTree(payload).path("predicate").path("resources").size(),
                statement.resources().size(), golden + ": every resource is read");
    }

    @Test
    void theSameFixtureVerifiesAfterSigning() throws Exception {
        SharedFiles.require(GOLDEN, "golden payload tests");
        Path root = fixture("sample_model_folder");
        var kp = OmsKit.key(EcKeys.Curve.P256);
        OmsKit.sign(root, kp.getPrivate(), OmsSigner.Options.shards(8));
        SignatureVerification v = OmsKit.verifier(OmsKit.trusted("k", kp)).verify(root, root.resolve("model.sig"));
        assertEquals(true, v.ok(), v::message);
        assertEquals(30, v.statement().resources().size());
    }
}
