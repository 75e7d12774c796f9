package dev.modelgate.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes Kubernetes resource YAML (several documents per file allowed), with errors that name the spot. */
final class ResourceYaml {

    static final ObjectMapper MAPPER = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            // ...but a string that reads as a number stays a string ("8188" in args, a label value "1"): unquoted,
            // the API server would read a number and refuse the object.
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            // A key given twice is refused, as the API server's strict decoding does, instead of the last one
            // silently winning (which another reader might not agree with).
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    private ResourceYaml() {
    }

    static String write(Object resource) {
        try {
            return MAPPER.writeValueAsString(resource);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write YAML: " + e.getMessage(), e);
        }
    }

    /** Every non-empty document of a stream (standard input), named {@code name} in errors. */
    static List<JsonNode> readDocuments(String name, java.io.InputStream in) {
        try {
            return readDocuments(name, new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new BadInputException(name + ": no such file");
        }
    }

    /** Every non-empty document of {@code file}; a syntax error names the file, line and column. */
    static List<JsonNode> readDocuments(Path file) {
        try {
            return readDocuments(file.toString(), Files.newBufferedReader(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private static List<JsonNode> readDocuments(String file, Reader reader) throws NoSuchFileException {
        List<JsonNode> docs = new ArrayList<>();
        try (Reader r = reader;
                MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(r)) {
            while (it.hasNextValue()) {
                JsonNode n = it.nextValue();
                if (n != null && !n.isNull() && !n.isMissingNode() && !(n.isTextual() && n.asText().isEmpty())) {
                    docs.add(n);
                }
            }
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + ": " + where(e.getLocation()) + "not valid YAML: " + e.getOriginalMessage());
        } catch (RuntimeException e) {
            // Jackson wraps parse errors met while iterating in RuntimeJsonMappingException
            Throwable c = e.getCause() instanceof JsonProcessingException ? e.getCause() : e;
            String msg = c instanceof JsonProcessingException j ? where(j.getLocation()) + "not valid YAML: "
                    + j.getOriginalMessage() : "not valid YAML: " + c.getMessage();
            throw new BadInputException(file + ": " + msg);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(file + ": cannot be read: " + e.getMessage(), e);
        }
        if (docs.isEmpty()) {
            throw new BadInputException(file + ": contains no YAML document");
        }
        return docs;
    }

    private static String where(JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 1) {
            return "";
        }
        return "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": ";
    }
}
