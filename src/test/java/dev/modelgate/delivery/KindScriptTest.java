package dev.modelgate.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelgate.api.files.ProjectFiles;

/**
 * {@code docs/e2e/kind.sh} needs a container engine and is not run here; it is syntax-checked with
 * {@code bash -n}, and the repository files it uses must exist.
 */
class KindScriptTest {

    static Path script() {
        return ProjectFiles.projectDir().resolve("docs/e2e/kind.sh");
    }

    /** Exit code and output of {@code bash -n FILE}. */
    static String bashSyntaxCheck(Path file) throws IOException, InterruptedException {
        Process bash = new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS), "bash -n did not finish");
        return bash.exitValue() + ":" + output;
    }

    @Test
    void kindScriptIsValidBash() throws Exception {
        assertEquals("0:", bashSyntaxCheck(script()), "bash -n docs/e2e/kind.sh");
        assertTrue(Files.isExecutable(script()), "docs/e2e/kind.sh must be executable");
    }

    @Test
    void syntaxCheckCatchesABrokenScript(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.sh");
        Files.writeString(broken, "if true; then\n  echo unterminated\n");
        String result = bashSyntaxCheck(broken);
        assertTrue(result.startsWith("2:") && result.contains("syntax error"), result);
    }

    @Test
    void filesTheScriptUsesExist() throws IOException {
        String text = Files.readString(script());
        Matcher m = Pattern.compile("\\$repo/([A-Za-z0-9_./-]+)").matcher(text);
        List<String> missing = new ArrayList<>();
        int count = 0;
        while (m.find()) {
            count++;
            if (!Files.exists(ProjectFiles.projectDir().resolve(m.group(1)))) {
                missing.add(m.group(1));
            }
        }
        assertTrue(count >= 6, "expected the script to use the chart, bin/modelgate and the ComfyUI example");
        assertTrue(missing.isEmpty(), "docs/e2e/kind.sh uses files that do not exist: " + missing);
        assertTrue(text.contains("NOT run in this project's CI"), "the script must say it is not run in CI");
    }
}
