package dev.modelgate.integrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModelPathTest {

    private static final Pattern SCHEMA = Pattern.compile(ModelPath.PATTERN);

    @ParameterizedTest
    @ValueSource(strings = {"model.safetensors", "checkpoints/sdxl.safetensors", ".hidden", "a/.b/c", "..foo",
            "a/...", "name with spaces.bin", "ünïcode/модель.gguf", "a-b_c.d/e"})
    void acceptsRelativePosixPaths(String path) {
        assertTrue(ModelPath.problem(path).isEmpty(), () -> path + ": " + ModelPath.problem(path));
        assertTrue(SCHEMA.matcher(path).matches(), path);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "../x|'..' segment",
            "a/../../etc/passwd|'..' segment",
            "..|'..' segment",
            "/etc/passwd|absolute",
            "a//b|empty segment",
            "a/|empty segment",
            "./a|'.' segment",
            "a\\..\\b|backslash"})
    void refusesEscapesWithAReason(String path, String reason) {
        String problem = ModelPath.problem(path).orElseThrow(() -> new AssertionError(path + " was accepted"));
        assertTrue(problem.contains(reason), problem);
        // The CRD schema (RE2 pattern) must refuse the same paths.
        assertTrue(!SCHEMA.matcher(path).matches(), path + " matches the schema pattern");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "a\nb", "a\tb"})
    void refusesControlCharacters(String path) {
        assertTrue(ModelPath.problem(path).orElseThrow().contains("control character"));
        assertTrue(!SCHEMA.matcher(path).matches());
    }

    @ParameterizedTest
    @CsvSource({
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855,true",
            "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855,false",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85,false",
            "zzb0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855,false"})
    void sha256MustBe64LowerHex(String digest, boolean ok) {
        assertEquals(ok, ModelPath.sha256Problem(digest).isEmpty(), digest);
    }

    /** The hand-written check must accept exactly what the CRD's pattern accepts. */
    @ParameterizedTest
    @ValueSource(strings = {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555",
            "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "\u0663\u0663b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85\n",
            "0000000000000000000000000000000000000000000000000000000000000000", ""})
    void sha256CheckAgreesWithTheCrdPattern(String digest) {
        assertEquals(Pattern.compile(ModelPath.SHA256_PATTERN).matcher(digest).matches(),
                ModelPath.isSha256Hex(digest), digest);
    }
}
