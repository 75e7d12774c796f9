package dev.modelgate.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import dev.modelgate.api.files.ProjectFiles;
import dev.modelgate.api.files.Yaml;

/** The chart {@code charts/modelgate} rendered by Helm's own template engine, as parsed objects. */
record RenderedChart(String text, List<JsonNode> objects) {

    static final String RELEASE = "modelgate";
    static final String NAMESPACE = "modelgate-system";
    /** Helm renders for a v1.20 cluster unless told; the chart needs 1.25+ (policy/v1, matchConditions-free webhooks). */
    static final String KUBE_VERSION = "1.30.0";

    static Path chartDir() {
        return ProjectFiles.projectDir().resolve("charts").resolve("modelgate");
    }

    static Path customValues() {
        return ProjectFiles.projectDir().resolve("src/test/resources/dev/modelgate/delivery/values-custom.yaml");
    }

    /** {@code helm template modelgate charts/modelgate -n modelgate-system [-f values]}, CRDs included. */
    static RenderedChart render(Path valuesFile, Map<String, Object> sets) {
        TemplateCommand template = new Helm(chartDir()).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            template = template.withValuesFile(valuesFile);
        }
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            template = template.set(set.getKey(), set.getValue());
        }
        return parse(template.call());
    }

    static RenderedChart defaults() {
        return render(null, Map.of());
    }

    static RenderedChart custom() {
        return render(customValues(), Map.of());
    }

    static RenderedChart parse(String text) {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> it = Yaml.MAPPER.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNext()) {
                JsonNode object = it.next();
                if (object != null && object.isObject() && object.size() > 0) {
                    objects.add(object);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("helm template produced YAML that does not parse", e);
        }
        return new RenderedChart(text, objects);
    }

    List<JsonNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    /** The one object of {@code kind}; fails when there is none or several. */
    JsonNode one(String kind) {
        List<JsonNode> found = ofKind(kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + " in the rendered chart, found " + found.size());
        }
        return found.get(0);
    }

    boolean has(String kind) {
        return !ofKind(kind).isEmpty();
    }

    /** Deep merge of {@code overrides} into {@code base} (objects merge, everything else replaces). */
    static JsonNode merge(JsonNode base, JsonNode overrides) {
        ObjectNode merged = base.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode existing = merged.get(field.getKey());
            merged.set(field.getKey(), existing != null && existing.isObject() && field.getValue().isObject()
                    ? merge(existing, field.getValue()) : field.getValue());
        }
        return merged;
    }

    /** A copy of the chart in {@code target} whose values.yaml is the defaults merged with {@code overrides}. */
    static Path copyWithValues(Path target, Path overrides) throws IOException {
        Path source = chartDir();
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                Path copy = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
        JsonNode values = merge(Yaml.readOne(source.resolve("values.yaml")), Yaml.readOne(overrides));
        Files.writeString(target.resolve("values.yaml"), Yaml.MAPPER.writeValueAsString(values));
        return target;
    }
}
