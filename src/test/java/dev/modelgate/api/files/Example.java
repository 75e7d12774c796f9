package dev.modelgate.api.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An example resource file under {@code docs/examples/}: its documents and its header comment.
 *
 * <p>Invalid examples state what they break in the header, one line per expected refusal:
 * <pre>
 * # INVALID: a file url must use https://
 * # expect: spec.files[0].url pattern: ^https://
 * </pre>
 * {@code expect:} takes the field path as kubectl prints it, the rule that refuses it (a schema keyword,
 * {@code unknown-field}, or {@code cel}) and, optionally, a fragment of the message.
 */
public record Example(Path file, List<String> description, List<Expectation> expectations, List<JsonNode> documents) {

    private static final Pattern EXPECT = Pattern.compile("^#\\s*expect:\\s*(\\S+)\\s+([A-Za-z-]+)(?::\\s*(.+))?$");

    /** One refusal an invalid example must produce. */
    public record Expectation(String path, String rule, String messageFragment) {

        public boolean matches(String violationPath, String violationRule, String violationMessage) {
            return path.equals(violationPath) && rule.equals(violationRule)
                    && (messageFragment == null || violationMessage.contains(messageFragment));
        }

        @Override
        public String toString() {
            return path + " " + rule + (messageFragment == null ? "" : ": " + messageFragment);
        }
    }

    public static Example load(Path file) throws IOException {
        List<String> description = new ArrayList<>();
        List<Expectation> expectations = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.startsWith("#")) {
                break;
            }
            Matcher expect = EXPECT.matcher(line.strip());
            if (expect.matches()) {
                expectations.add(new Expectation(expect.group(1), expect.group(2), expect.group(3)));
            } else if (line.strip().startsWith("# expect")) {
                throw new IOException(file + ": malformed expect line: " + line);
            } else {
                description.add(line.substring(1).strip());
            }
        }
        return new Example(file, description, expectations, Yaml.readAll(file));
    }

    public static List<Example> loadAll(Path dir) throws IOException {
        List<Example> examples = new ArrayList<>();
        for (Path file : ProjectFiles.filesEndingWith(dir, ".yaml")) {
            examples.add(load(file));
        }
        return examples;
    }

    public String name() {
        return file.getFileName().toString();
    }
}
