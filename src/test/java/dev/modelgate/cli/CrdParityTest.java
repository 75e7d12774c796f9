package dev.modelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.integrity.ModelDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the API server refuses, the CLI refuses too: every example under docs/examples/invalid (each refused by the
 * committed CRD, see SchemaValidationTest) is bad input (exit 2) for {@code verify --model}/{@code --source} and
 * for {@code check --policy}, with a message naming the file and no Java exception text.
 */
class CrdParityTest {

    static final Path INVALID = Path.of("docs/examples/invalid");
    static final Path GOOD_SOURCE = Path.of("docs/examples/modelsource-huggingface-stabilityai.yaml");

    @TempDir
    static Path tmp;

    static List<Path> examples(String prefix) throws IOException {
        try (Stream<Path> s = Files.list(INVALID)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> invalidTrustedModelsAreRefusedByVerifyAndCheck() throws IOException {
        List<Path> files = examples("trustedmodel-");
        assertTrue(files.size() >= 15, "expected the invalid TrustedModel examples, found " + files.size());
        Path dir = ModelDirs.cleanComfyLayout(Files.createDirectories(tmp.resolve("tm")));
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            CliRun v = CliRun.of("verify", dir.toString(), "--model", f.toString());
            assertEquals(2, v.exitCode(), v::toString);
            assertTrue(v.err().contains(f.toString()), v::toString);
            assertFalse(v.err().contains("Exception") || v.err().contains("dev.modelgate."), v::toString);
            CliRun c = CliRun.of("check", "--policy", f.toString(), "--policy", GOOD_SOURCE.toString(),
                    "src/test/resources/admission/workloads/comfyui-deployment.yaml");
            assertEquals(2, c.exitCode(), c::toString);
            assertTrue(c.err().contains(f.toString()), c::toString);
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidModelSourcesAreRefusedByVerifyAndCheck() throws IOException {
        List<Path> files = examples("modelsource-");
        assertTrue(files.size() >= 10, "expected the invalid ModelSource examples, found " + files.size());
        Path dir = ModelDirs.cleanComfyLayout(Files.createDirectories(tmp.resolve("ms")));
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String source = ResourceYaml.readDocuments(f).get(0).at("/metadata/name").asText();
            Path tm = tmp.resolve(f.getFileName() + "-tm.yaml");
            CliRun a = CliRun.of("approve", dir.toString(), "--name", "m", "--source", source, "-o", tm.toString(),
                    "--force");
            assertEquals(0, a.exitCode(), a::toString);
            CliRun v = CliRun.of("verify", dir.toString(), "--model", tm.toString(), "--source", f.toString());
            assertEquals(2, v.exitCode(), v::toString);
            assertTrue(v.err().contains(f.toString()), v::toString);
            assertFalse(v.err().contains("Exception") || v.err().contains("dev.modelgate."), v::toString);
            CliRun c = CliRun.of("check", "--policy", f.toString(),
                    "src/test/resources/admission/workloads/comfyui-deployment.yaml");
            assertEquals(2, c.exitCode(), c::toString);
            assertTrue(c.err().contains(f.toString()), c::toString);
        }));
    }
}
