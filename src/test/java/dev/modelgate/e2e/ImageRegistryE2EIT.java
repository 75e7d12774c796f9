package dev.modelgate.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The image the build writes (target/modelgate-image.tar, Jib) pushed to a registry as a release pushes it, a
 * loopback {@code docker-registry}, and read back with {@code skopeo} as a kubelet's runtime would: entry point,
 * non-root user. Skipped without docker-registry or skopeo (failed under CI=true, which installs them).
 */
class ImageRegistryE2EIT {

    @Test
    void theBuiltImageIsPushedAndReadBackFromARegistry() throws Exception {
        for (String tool : List.of("/usr/bin/docker-registry", "/usr/bin/skopeo")) {
            if (!Files.isExecutable(Path.of(tool))) {
                if (E2E.ci()) {
                    fail("CI=true but " + tool + " is missing");
                }
                Assumptions.abort(tool + " is missing (apt-get install docker-registry skopeo): image push not tested");
            }
        }
        Path tar = E2E.repo().resolve("target/modelgate-image.tar");
        if (!Files.isRegularFile(tar)) {
            // Built as ImageIT builds it: on the scratch base, which needs no registry.
            Fixtures.run(List.of(E2E.repo().resolve("mvnw").toString(), "-B", "-q", "-o", "-f",
                    E2E.repo().resolve("src/image/pom.xml").toString(), "package", "-Dmodelgate.image.base=scratch"));
        }
        assertTrue(Files.isRegularFile(tar), "the build wrote no " + tar);

        Path dir = E2E.work().resolve("registry");
        ControlPlane.deleteRecursively(dir);
        Files.createDirectories(dir);
        int port = OperatorProcess.freePort();
        Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: 127.0.0.1:%d
                """.formatted(dir.resolve("data"), port));
        Process registry = new ProcessBuilder("/usr/bin/docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        try {
            String ref = "docker://127.0.0.1:" + port + "/modelgate/modelgate:e2e";
            String copy = null;
            for (int i = 0; i < 40 && copy == null; i++) {
                try {
                    copy = Fixtures.run(List.of("/usr/bin/skopeo", "copy", "--dest-tls-verify=false", "docker-archive:" + tar, ref));
                } catch (AssertionError notYet) {
                    if (i == 39 || !registry.isAlive()) {
                        throw new AssertionError(notYet.getMessage() + "\nregistry log:\n" + Files.readString(dir.resolve("registry.log")));
                    }
                    Thread.sleep(250);
                }
            }
            JsonNode config = new ObjectMapper().readTree(Fixtures.run(List.of("/usr/bin/skopeo", "inspect", "--tls-verify=false",
                    "--config", ref))).path("config");
            assertEquals("10001:10001", config.path("User").asText(), "non-root user, the uid the verifier's securityContext names");
            assertEquals("[\"/deployments/bin/entrypoint\"]", config.path("Entrypoint").toString(), "entry point");
            JsonNode inspect = new ObjectMapper().readTree(Fixtures.run(List.of("/usr/bin/skopeo", "inspect", "--tls-verify=false", ref)));
            assertTrue(inspect.path("Digest").asText().startsWith("sha256:"), "the registry serves it by digest: " + inspect);
            assertTrue(inspect.path("Layers").size() >= 2, "the fast-jar layout in layers: " + inspect.path("Layers"));
        } finally {
            registry.destroy();
            if (!registry.waitFor(10, TimeUnit.SECONDS)) {
                registry.destroyForcibly();
            }
        }
    }
}
