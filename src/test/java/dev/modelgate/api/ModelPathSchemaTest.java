package dev.modelgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelgate.api.schema.CommittedCrds;
import dev.modelgate.api.schema.CrdValidator;
import dev.modelgate.api.schema.Violation;
import dev.modelgate.integrity.ModelPath;

/**
 * The API server (through the CRD schema: RE2 pattern plus maxLength) and the engine ({@link ModelPath#problem})
 * must agree on every model path; otherwise the cluster admits a TrustedModel the verifier then refuses, or
 * the reverse.
 */
class ModelPathSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> paths() {
        return Stream.of(
                // accepted
                Arguments.of("model.safetensors", true),
                Arguments.of("checkpoints/sd_xl_base_1.0.safetensors", true),
                Arguments.of("a/b/c/d/e.gguf", true),
                Arguments.of(".hidden", true),
                Arguments.of("..foo", true),
                Arguments.of("foo..", true),
                Arguments.of("a...b", true),
                Arguments.of("a/..b/c", true),
                Arguments.of("a/.b", true),
                Arguments.of("with space.bin", true),
                Arguments.of("-dash/~tilde", true),
                Arguments.of("unicode/模型.gguf", true),
                Arguments.of("x".repeat(ModelPath.MAX_LENGTH), true),
                // refused
                Arguments.of("", false),
                Arguments.of("/etc/passwd", false),
                Arguments.of("/", false),
                Arguments.of("../x", false),
                Arguments.of("a/../b", false),
                Arguments.of("a/..", false),
                Arguments.of("..", false),
                Arguments.of(".", false),
                Arguments.of("./a", false),
                Arguments.of("a/./b", false),
                Arguments.of("a/.", false),
                Arguments.of("a//b", false),
                Arguments.of("a/", false),
                Arguments.of("//", false),
                Arguments.of("a\\b", false),
                Arguments.of("..\\x", false),
                Arguments.of("tab\tname", false),
                Arguments.of("nul\u0000byte", false),
                Arguments.of("new\nline", false),
                Arguments.of("esc\u001b[0m", false),
                Arguments.of("x".repeat(ModelPath.MAX_LENGTH + 1), false));
    }

    @ParameterizedTest(name = "[{index}] accepted={1}")
    @MethodSource("paths")
    void schemaAndEngineAgree(String path, boolean accepted) {
        Optional<String> engine = ModelPath.problem(path);
        assertEquals(accepted, engine.isEmpty(), () -> "ModelPath.problem(" + printable(path) + ") = " + engine);

        List<Violation> violations = validator().validate(modelWithPath(path));
        assertEquals(accepted, violations.isEmpty(), () -> "schema on " + printable(path) + ": " + violations);
        for (Violation violation : violations) {
            assertEquals("spec.files[0].path", violation.path(), violation::toString);
            assertTrue(List.of("pattern", "maxLength").contains(violation.rule()), violation::toString);
        }
    }

    @Test
    void schemaUsesTheEnginePatternVerbatim() {
        JsonNode path = CommittedCrds.crd(CommittedCrds.TRUSTED_MODEL_FILE).path("spec").path("versions").path(0)
                .path("schema").path("openAPIV3Schema").path("properties").path("spec").path("properties")
                .path("files").path("items").path("properties").path("path");
        assertEquals(ModelPath.PATTERN, path.path("pattern").asText());
        assertEquals(ModelPath.MAX_LENGTH, path.path("maxLength").asInt());
    }

    @ParameterizedTest(name = "[{index}] accepted={1}")
    @MethodSource("paths")
    void re2AndJavaRegexReadThePatternAlike(String path, boolean accepted) {
        boolean byRe2 = com.google.re2j.Pattern.compile(ModelPath.PATTERN).matcher(path).find();
        boolean byJdk = java.util.regex.Pattern.compile(ModelPath.PATTERN).matcher(path).find();
        assertEquals(byJdk, byRe2, () -> "RE2 and java.util.regex disagree on " + printable(path));
    }

    private static CrdValidator validator() {
        return CommittedCrds.validatorFor("TrustedModel");
    }

    private static JsonNode modelWithPath(String path) {
        ObjectNode model = JSON.createObjectNode();
        model.put("apiVersion", "modelgate.dev/v1alpha1").put("kind", "TrustedModel");
        model.putObject("metadata").put("name", "m").put("namespace", "ns");
        ObjectNode spec = model.putObject("spec");
        spec.put("source", "huggingface-stabilityai");
        spec.putArray("files").addObject()
                .put("path", path)
                .put("sha256", "31e35c80fc4829d14f90153f4c74cd59c90b779f6afe05a74cd6120b893f7e5b")
                .put("size", 1);
        return model;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder("'");
        s.codePoints().limit(80).forEach(c -> b.append(c < 0x20 ? String.format("\\x%02x", c) : Character.toString(c)));
        return b.append(s.length() > 80 ? "...' (" + s.length() + " chars)" : "'").toString();
    }
}
