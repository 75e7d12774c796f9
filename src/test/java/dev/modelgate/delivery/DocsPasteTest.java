package dev.modelgate.delivery;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Commands in the docs survive a paste: no comment after a line continuation, no "planned" feature that exists. */
class DocsPasteTest {

    /** A backslash continuation followed by a comment ends the command at the backslash (the rest is lost). */
    static final Pattern CONTINUATION_COMMENT = Pattern.compile("\\\\\\s+#");

    @Test
    void noCommentFollowsALineContinuationInACommandBlock() throws Exception {
        List<String> bad = new ArrayList<>();
        try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
            for (Path md : docs.filter(p -> p.toString().endsWith(".md")).toList()) {
                boolean shell = false;
                for (String line : Files.readAllLines(md)) {
                    String t = line.strip();
                    if (t.startsWith("```")) {
                        String info = t.substring(3).strip();
                        shell = !shell && (info.isEmpty() || info.equals("sh") || info.equals("bash")
                                || info.equals("shell"));
                        continue;
                    }
                    if (shell && CONTINUATION_COMMENT.matcher(line).find()) {
                        bad.add(md + ": " + t);
                    }
                }
            }
        }
        assertTrue(bad.isEmpty(), () -> "comments after '\\' end the command when pasted:\n" + String.join("\n", bad));
    }

    @Test
    void pkcs11SigningIsNotCalledPlanned() throws Exception {
        for (String doc : List.of("docs/key-management.md", "docs/threat-model.md")) {
            String text = Files.readString(Path.of(doc));
            assertFalse(text.contains("(planned"), doc);
            assertTrue(text.contains("--pkcs11"), doc);
        }
    }
}
