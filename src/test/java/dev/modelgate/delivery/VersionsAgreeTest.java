package dev.modelgate.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelgate.api.files.ProjectFiles;
import dev.modelgate.api.files.Yaml;
import dev.modelgate.policy.PolicySettings;

/**
 * One version everywhere: the project version the build stamps (the CLI's {@code --version}, the jar) is the
 * chart's version and appVersion, hence the default image tag the chart deploys, and the verifier image that
 * {@code modelgate check} and the defaults assume. A release bumps them together or this fails.
 */
class VersionsAgreeTest {

    @Test
    void pomChartAndDefaultImageAgree() throws IOException {
        String pom = Files.readString(ProjectFiles.projectDir().resolve("pom.xml"));
        // the project's own version: the first <version> after its <artifactId>modelgate</artifactId>
        Matcher m = Pattern.compile("<artifactId>modelgate</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(m.find(), "pom.xml: no <version> after <artifactId>modelgate</artifactId>");
        String version = m.group(1);
        String image = Files.readString(ProjectFiles.projectDir().resolve("src/image/pom.xml"));
        assertTrue(image.contains("<artifactId>modelgate-image</artifactId>\n  <version>" + version + "</version>"),
                "src/image/pom.xml must carry the project version " + version);
        JsonNode chart = Yaml.readOne(RenderedChart.chartDir().resolve("Chart.yaml"));
        assertEquals(version, chart.path("appVersion").asText(), "Chart.yaml appVersion (the default image tag)");
        assertEquals(version, chart.path("version").asText(), "Chart.yaml version");
        JsonNode values = Yaml.readOne(RenderedChart.chartDir().resolve("values.yaml"));
        assertEquals("", values.at("/image/tag").asText(), "image.tag defaults to the appVersion");
        assertEquals("ghcr.io/modelgate/modelgate:" + version, PolicySettings.DEFAULT_VERIFIER_IMAGE);
        assertEquals("ghcr.io/modelgate/modelgate:" + version,
                RenderedChart.defaults().one("Deployment").at("/spec/template/spec/containers/0/image").asText());
    }
}
