package dev.modelgate.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgate.api.files.ProjectFiles;

/**
 * The Grafana dashboard parses, every panel queries something, and it uses exactly the metrics that
 * docs/operations.md documents: a renamed metric breaks this test rather than an empty panel.
 */
class DashboardTest {

    private static final Pattern METRIC = Pattern.compile("\\bmodelgate_[a-z_]+");

    static Path dashboard() {
        return ProjectFiles.projectDir().resolve("docs/dashboards/modelgate.json");
    }

    /** Metric names in {@code text}, histogram series folded into their histogram's name. */
    static Set<String> metrics(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group().replaceAll("_(bucket|count|sum)$", ""));
        }
        return names;
    }

    /** The first column of the metrics table in docs/operations.md. */
    static Set<String> documentedMetrics() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(ProjectFiles.projectDir().resolve("docs/operations.md"))) {
            Matcher m = Pattern.compile("^\\| `(modelgate_[a-z_]+)` \\|").matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    @Test
    void everyPanelQueriesPrometheus() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(dashboard().toFile());
        assertEquals("modelgate", dashboard.path("uid").asText());
        JsonNode panels = dashboard.path("panels");
        assertTrue(panels.size() >= 8, "expected the dashboard's panels, found " + panels.size());
        Set<Integer> ids = new TreeSet<>();
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertFalse(title.isEmpty(), "a panel without a title");
            assertTrue(ids.add(panel.path("id").asInt()), "duplicate panel id in " + title);
            assertTrue(panel.path("targets").size() >= 1, title + " has no query");
            panel.path("targets").forEach(t -> assertFalse(t.path("expr").asText().isBlank(), title + " has an empty query"));
            assertEquals("${datasource}", panel.at("/datasource/uid").asText(), title + " must use the datasource variable");
        }
    }

    @Test
    void dashboardShowsExactlyTheDocumentedMetrics() throws IOException {
        Set<String> documented = documentedMetrics();
        assertTrue(documented.size() >= 7, "metrics table not found in docs/operations.md: " + documented);
        assertEquals(documented, metrics(Files.readString(dashboard())),
                "docs/dashboards/modelgate.json and the metrics table of docs/operations.md must name the same metrics");
    }

    @Test
    void histogramSeriesFoldIntoTheirMetric() {
        assertEquals(Set.of("modelgate_admission_duration_seconds", "modelgate_models"),
                metrics("rate(modelgate_admission_duration_seconds_bucket[5m]) + modelgate_models"));
    }
}
