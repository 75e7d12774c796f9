package dev.modelgate.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.api.files.Yaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The worked examples under docs/examples/&lt;scenario&gt;/, applied with kubectl as their READMEs say. */
public final class Examples {

    public static final Path ROOT = E2E.repo().resolve("docs/examples");
    private static final Set<String> APPLIED = new HashSet<>();

    private Examples() {
    }

    /** Applies the scenario's namespace.yaml and policy/ once, then waits until every TrustedModel has a verdict. */
    public static synchronized void scenario(ControlPlane cluster, Path scenario) {
        if (!APPLIED.add(scenario.toString())) {
            return;
        }
        if (Files.exists(scenario.resolve("namespace.yaml"))) {
            cluster.admin().ok("apply", "-f", scenario.resolve("namespace.yaml").toString());
        }
        cluster.admin().ok("apply", "-f", scenario.resolve("policy").toString());
        for (JsonNode model : trustedModels(scenario)) {
            String ns = model.path("metadata").path("namespace").asText();
            String name = model.path("metadata").path("name").asText();
            await("TrustedModel " + ns + "/" + name + " has a Ready condition").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> Fixtures.condition(Fixtures.trustedModel(cluster, ns, name), "Ready").isPresent());
        }
    }

    static List<JsonNode> trustedModels(Path scenario) {
        try (Stream<Path> files = Files.list(scenario.resolve("policy"))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().flatMap(p -> {
                try {
                    return Yaml.readAll(p).stream();
                } catch (IOException e) {
                    throw new AssertionError("cannot read " + p, e);
                }
            }).filter(d -> d.path("kind").asText().equals("TrustedModel")).toList();
        } catch (IOException e) {
            throw new AssertionError("cannot list " + scenario, e);
        }
    }

    /** Every docs/examples/&lt;scenario&gt;/workloads/*.yaml, sorted. */
    public static List<Path> workloads() throws IOException {
        try (Stream<Path> s = Files.walk(ROOT)) {
            return s.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("workloads"))
                    .filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }
}
