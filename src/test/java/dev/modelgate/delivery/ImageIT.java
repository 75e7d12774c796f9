package dev.modelgate.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgate.api.files.ProjectFiles;

/**
 * The image as the build makes it (src/image/pom.xml, Jib, no container engine), from the packaged application.
 * Built here on the {@code scratch} base, which needs no registry: the image's configuration and files are what
 * a kubelet would get on the production base too. The entry point is then run from the image's own files.
 */
class ImageIT {

    static final Path ROOT = ProjectFiles.projectDir();

    @Test
    void imageRunsTheOperatorByDefaultAndTheVerifierOnRequestAsNonRoot() throws Exception {
        assumeTrue(Files.isRegularFile(ROOT.resolve("target/quarkus-app/quarkus-run.jar")),
                "no packaged application under target/quarkus-app (run ./mvnw package): the image was not built");
        Path work = Files.createTempDirectory("modelgate-image-");
        Result build = run(ROOT, List.of(ROOT.resolve("mvnw").toString(), "-B", "-q", "-o", "-f",
                ROOT.resolve("src/image/pom.xml").toString(), "package", "-Dmodelgate.image.base=scratch"), 300);
        assertEquals(0, build.code(), build.output());
        Path tar = ROOT.resolve("target/modelgate-image.tar");
        assertTrue(Files.isRegularFile(tar), "Jib wrote no " + tar);
        assertEquals(0, run(work, List.of("tar", "xf", tar.toString()), 60).code());

        ObjectMapper json = new ObjectMapper();
        JsonNode manifest = json.readTree(work.resolve("manifest.json").toFile()).get(0);
        String chartImage = RenderedChart.defaults().one("Deployment").at("/spec/template/spec/containers/0/image").asText();
        assertEquals(chartImage, manifest.at("/RepoTags/0").asText(), "the tag is the one the chart deploys");
        JsonNode config = json.readTree(work.resolve(manifest.path("Config").asText()).toFile()).path("config");
        assertEquals("10001:10001", config.path("User").asText(), "non-root, the uid the verifier's securityContext names");
        assertEquals("[\"/deployments/bin/entrypoint\"]", config.path("Entrypoint").toString());

        Path fs = work.resolve("rootfs");
        Files.createDirectories(fs);
        for (JsonNode layer : manifest.path("Layers")) {
            assertEquals(0, run(fs, List.of("tar", "xzf", work.resolve(layer.asText()).toString()), 60).code());
        }
        Path deployments = fs.resolve("deployments");
        for (String file : List.of("quarkus-run.jar", "bin/modelgate", "bin/entrypoint", "quarkus/quarkus-application.dat")) {
            assertTrue(Files.exists(deployments.resolve(file)), "the image lacks /deployments/" + file);
        }
        assertTrue(Files.isExecutable(deployments.resolve("bin/entrypoint")));

        // The verifier's args run the CLI through the launcher (its JVM flags), from the image's own files.
        Result verifier = run(work, List.of(deployments.resolve("bin/entrypoint").toString(), "verify-pod", "--help"),
                60, "MODELGATE_HOME=" + deployments);
        assertEquals(0, verifier.code(), verifier.output());
        assertTrue(verifier.output().contains("verify-pod"), verifier.output());

        // No argument: the operator, `java -jar /deployments/quarkus-run.jar` (a stand-in java shows the command).
        Path fakeBin = Files.createDirectories(work.resolve("fake-bin"));
        Path java = fakeBin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"java $*\"\n");
        java.toFile().setExecutable(true);
        Result operator = run(work, List.of(deployments.resolve("bin/entrypoint").toString()), 60,
                "MODELGATE_HOME=/deployments", "PATH=" + fakeBin + ":/usr/bin:/bin");
        assertEquals("java -jar /deployments/quarkus-run.jar", operator.output().strip());
        String launcher = Files.readString(deployments.resolve("bin/modelgate"), StandardCharsets.UTF_8);
        assertTrue(launcher.contains("-XX:+UseSerialGC"), "the launcher's JVM flags are in the image");
    }

    record Result(int code, String output) {
    }

    static Result run(Path dir, List<String> command, int timeoutSeconds, String... env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile()).redirectErrorStream(true);
        for (String e : env) {
            int eq = e.indexOf('=');
            pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
        }
        Path log = Files.createTempFile("image-it-", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command + " did not finish in " + timeoutSeconds + " s");
        }
        String out = Files.readString(log);
        Files.delete(log);
        return new Result(p.exitValue(), out);
    }
}
