package dev.modelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every worked example workload under {@code docs/examples/<scenario>/workloads/} goes through
 * {@code modelgate check} with its scenario's namespace and policy, and must get the outcome its
 * {@code # expect:} header documents: {@code allow} (exit 0) or {@code deny <text>} (exit 1, the refusal names
 * {@code <text>}). The docs cannot promise what the product does not do.
 */
class DocsExamplesCheckTest {

    static final Path EXAMPLES = Path.of("docs", "examples");

    static Stream<Path> workloads() throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(EXAMPLES)) {
            all = s.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("workloads"))
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted().toList();
        }
        assertFalse(all.isEmpty(), "no example workloads under " + EXAMPLES);
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("workloads")
    void exampleGetsItsDocumentedOutcome(Path workload) throws IOException {
        String first = Files.readAllLines(workload, StandardCharsets.UTF_8).get(0);
        assertTrue(first.startsWith("# expect: "), workload + " has no '# expect:' first line");
        String expect = first.substring("# expect: ".length()).trim();
        Path scenario = workload.getParent().getParent();
        Path namespace = scenario.resolve("namespace.yaml");
        CliRun run = Files.exists(namespace)
                ? CliRun.of("check", "--policy", scenario.resolve("policy").toString(), namespace.toString(),
                        workload.toString())
                : CliRun.of("check", "--policy", scenario.resolve("policy").toString(), workload.toString());
        if (expect.equals("allow")) {
            assertEquals(0, run.exitCode(), workload + " is documented as allowed\n" + run);
        } else {
            assertTrue(expect.startsWith("deny "), workload + ": expect is neither 'allow' nor 'deny <text>'");
            String text = expect.substring("deny ".length()).trim();
            assertEquals(1, run.exitCode(), workload + " is documented as denied\n" + run);
            assertTrue(run.out().contains(text), workload + ": the refusal should name '" + text + "'\n" + run);
        }
    }
}
