package dev.modelgate.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelgate.api.files.ProjectFiles;

/**
 * The image is not built here (no container engine), so the Dockerfile is checked against what the chart
 * expects of it: the user, the ports, the operator's jar and the CLI entry point the verifier runs.
 */
class DockerfileTest {

    private static String dockerfile() throws IOException {
        return Files.readString(ProjectFiles.projectDir().resolve("Dockerfile"));
    }

    @Test
    void runsAsTheNonRootUserTheChartDeclares() throws IOException {
        Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(dockerfile());
        assertTrue(user.find(), "the Dockerfile must switch to a numeric non-root USER uid:gid");
        JsonNode pod = RenderedChart.defaults().one("Deployment").at("/spec/template/spec/securityContext");
        assertEquals(pod.path("runAsUser").asText(), user.group(1));
        assertEquals(pod.path("runAsGroup").asText(), user.group(2));
        assertTrue(Integer.parseInt(user.group(1)) > 0);
    }

    @Test
    void exposesTheChartsPorts() throws IOException {
        Matcher expose = Pattern.compile("(?m)^EXPOSE (.+)$").matcher(dockerfile());
        assertTrue(expose.find());
        assertEquals(List.of("8080", "8443"), List.of(expose.group(1).trim().split("\\s+")));
    }

    @Test
    void carriesTheOperatorJarAndTheCliEntryPoint() throws IOException {
        String text = dockerfile();
        JsonNode command = RenderedChart.defaults().one("Deployment").at("/spec/template/spec/containers/0/command");
        String jar = command.get(command.size() - 1).asText();
        assertTrue(text.contains(" " + jar + "\n"), "the Dockerfile must copy " + jar + ", the chart runs it");
        assertTrue(text.contains("COPY --chown=0:0 bin/modelgate /deployments/bin/modelgate"));
        assertTrue(text.contains("ENTRYPOINT [\"/usr/local/bin/modelgate\"]"),
                "the verifier init-container runs the image's entry point with args [verify-pod]");
        assertTrue(text.contains("MODELGATE_CDS_DUMP=1 modelgate demo"), "the CDS archive is written for the image's JRE");
        assertTrue(text.contains("ENV MODELGATE_HOME=/deployments"));
    }

    @Test
    void dockerignoreLetsOnlyTheBuildAndTheLauncherIn() throws IOException {
        List<String> lines = Files.readAllLines(ProjectFiles.projectDir().resolve(".dockerignore")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertEquals(List.of("*", "!target/quarkus-app/", "!bin/modelgate"), lines);
    }
}
