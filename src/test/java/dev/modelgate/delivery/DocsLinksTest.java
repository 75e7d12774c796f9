package dev.modelgate.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.modelgate.api.files.ProjectFiles;

/** Relative links in the README, the chart README and every Markdown file under docs/ point at files that exist. */
class DocsLinksTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s#]+)(#[^)]*)?\\)");

    static List<String> brokenLinks(Path markdown) throws IOException {
        List<String> broken = new ArrayList<>();
        // code (fenced blocks and `spans`) may hold regular expressions that look like links
        String text = Files.readString(markdown).replaceAll("(?s)```.*?```", "").replaceAll("`[^`\n]*`", "");
        Matcher m = LINK.matcher(text);
        while (m.find()) {
            String target = m.group(1);
            if (target.contains("://") || target.startsWith("mailto:")) {
                continue;
            }
            if (!Files.exists(markdown.getParent().resolve(target).normalize())) {
                broken.add(ProjectFiles.projectDir().relativize(markdown) + " -> " + target);
            }
        }
        return broken;
    }

    @Test
    void everyRelativeLinkResolves() throws IOException {
        Path root = ProjectFiles.projectDir();
        List<Path> files = new ArrayList<>(List.of(root.resolve("README.md"), root.resolve("charts/modelgate/README.md")));
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<String> broken = new ArrayList<>();
        for (Path file : files) {
            broken.addAll(brokenLinks(file));
        }
        assertTrue(broken.isEmpty(), "broken links: " + broken);
    }

    @Test
    void aMissingTargetIsReported(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path page = dir.resolve("page.md");
        Files.writeString(page, "[ok](page.md) [web](https://example.com) [gone](missing.md#part) `[a-z]([-a-z]*)`");
        List<String> broken = brokenLinks(page);
        assertEquals(1, broken.size(), broken.toString());
        assertTrue(broken.get(0).endsWith("-> missing.md"), broken.toString());
    }
}
