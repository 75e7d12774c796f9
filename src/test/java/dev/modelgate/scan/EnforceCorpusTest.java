package dev.modelgate.scan;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.integrity.ContentCheck;
import dev.modelgate.integrity.Finding;
import dev.modelgate.integrity.FindingKind;
import dev.modelgate.integrity.ScanCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Allowlist-first, proven on files: every benign file of the project's corpus (written by the real torch,
 * numpy and pickle, see tools/gen_corpus.py) and of the shared vectors passes the verifier's scan under
 * {@code enforce}, and every malicious one is refused. The scan runs as the verifier runs it: on the bytes of
 * the hashing pass ({@link ScanCheck}).
 */
class EnforceCorpusTest {

    static final Path CORPUS = Path.of("src/test/resources/dev/modelgate/scan/corpus");

    @TestFactory
    List<DynamicTest> projectCorpus() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        List<String> lines = Files.readAllLines(CORPUS.resolve("INDEX.tsv"), StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split("\t");
            Path file = CORPUS.resolve(c[0]);
            boolean refuse = c[1].equals("refused");
            tests.add(dynamicTest(c[0] + " -> " + c[1] + " (" + c[2] + ")", () -> check(file, refuse)));
        }
        assertTrue(tests.size() > 80, "the corpus index lists " + tests.size() + " files");
        return tests;
    }

    @TestFactory
    List<DynamicTest> sharedVectors() throws IOException {
        Path dir = ScanVectorsTest.vectors();
        Path tsv = dir.resolve("EXPECTED.tsv");
        List<DynamicTest> tests = new ArrayList<>();
        if (!Files.isRegularFile(tsv)) {
            tests.add(dynamicTest("shared vectors", () -> {
                assertFalse("true".equals(System.getenv("CI")), "CI must have the shared vectors at " + tsv);
                Assumptions.abort("shared scan vectors absent (" + tsv + ")");
            }));
            return tests;
        }
        List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] c = line.split("\t");
            if (!c[1].equals("benign") && !c[1].equals("malicious")) {
                continue; // suspicious and invalid rows: the verdict test holds them
            }
            boolean refuse = c[1].equals("malicious");
            Path file = dir.resolve(c[0]);
            tests.add(dynamicTest(c[0] + " -> " + (refuse ? "refused" : "passes"), () -> check(file, refuse)));
        }
        return tests;
    }

    static void check(Path file, boolean refuse) throws IOException {
        List<Finding> findings = enforce(file);
        List<Finding> refusals = findings.stream().filter(f -> f.kind() == FindingKind.SCAN_FINDING).toList();
        String all = findings.stream().map(f -> f.kind() + " " + f.message()).collect(Collectors.joining("\n  "));
        if (refuse) {
            assertFalse(refusals.isEmpty(), () -> file + " must be refused under enforce; findings:\n  " + all);
        } else {
            assertTrue(refusals.isEmpty(), () -> file + " must pass under enforce; findings:\n  " + all);
        }
    }

    /** The verifier's scan of one file under enforce, fed in 4 KiB chunks like the hashing pass. */
    static List<Finding> enforce(Path file) throws IOException {
        return enforce(file, new ScanCheck(ScanPolicy.ENFORCE));
    }

    static List<Finding> enforce(Path file, ScanCheck check) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ContentCheck.Session s = check.open(file.getFileName().toString(), file, bytes.length);
        for (int i = 0; i < bytes.length; i += 4096) {
            s.update(bytes, i, Math.min(4096, bytes.length - i));
        }
        return s.finish("0".repeat(64));
    }
}
