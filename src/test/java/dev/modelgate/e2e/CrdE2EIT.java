package dev.modelgate.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.api.files.Example;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The CRDs as users apply them, judged by the real API server: accepted, and the invalid examples refused. */
@ExtendWith(E2EExtension.class)
class CrdE2EIT {

    static final Path INVALID = E2E.repo().resolve("docs/examples/invalid");

    /**
     * Invalid examples a v1.24 API server cannot judge, with the reason. The product keeps these rules for the
     * releases it supports; the offline validator (SchemaValidationTest) proves them.
     */
    static final Map<String, String> NOT_JUDGED_BY_1_24 = Map.of(
            "trustedmodel-unknown-field.yaml",
            "v1.24 prunes unknown fields silently; the server refuses them only with strict field validation (1.27)");

    @Test
    void crdsAreAcceptedAndEstablished() {
        Installation installation = Installation.get(E2E.cluster());
        assertTrue(installation.crds.ok(), "kubectl apply -f crds/ must be accepted by the API server\n" + installation.crds);
        assertTrue(installation.manifests.ok(), "kubectl apply -f manifests/ must be accepted\n" + installation.manifests);
        for (String name : Installation.CRDS) {
            CustomResourceDefinition crd = installation.cluster.client().apiextensions().v1().customResourceDefinitions()
                    .withName(name).get();
            assertTrue(crd != null, name + " is not installed");
            assertTrue(crd.getStatus().getConditions().stream()
                    .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True")),
                    name + " is not Established: " + crd.getStatus().getConditions());
        }
    }

    static Stream<Path> invalidExamples() throws IOException {
        try (Stream<Path> files = Files.list(INVALID)) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertFalse(all.isEmpty(), "no invalid examples under " + INVALID);
            return all.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidExamples")
    void invalidExampleIsRefusedByTheServer(Path file) throws IOException {
        String name = file.getFileName().toString();
        Assumptions.assumeFalse(NOT_JUDGED_BY_1_24.containsKey(name),
                () -> name + " not judged on the v1.24 control plane: " + NOT_JUDGED_BY_1_24.get(name));
        Installation installation = E2E.installed();
        Example example = Example.load(file);
        String namespace = example.documents().get(0).path("metadata").path("namespace").asText("");
        if (!namespace.isEmpty()) {
            Namespaces.ensure(installation.cluster, namespace);
        }
        Kubectl.Result r = installation.cluster.admin().run("create", "--dry-run=server", "--validate=false", "-f", file.toString());
        assertFalse(r.ok(), name + " is an invalid example but the API server accepted it\n" + r);
        for (Example.Expectation e : example.expectations()) {
            assertTrue(reported(r.err(), e), name + " should be refused for [" + e + "]\n" + r);
        }
    }

    /**
     * The server names the path (a CEL rule's own object or an ancestor of the expected field on v1.24, which
     * drops {@code fieldPath}) and the message fragment.
     */
    static boolean reported(String err, Example.Expectation e) {
        if (e.messageFragment() != null && !err.contains(e.messageFragment())) {
            return false;
        }
        String path = e.path();
        while (true) {
            if (err.contains(path + ":") || err.contains(path + " in body")) {
                return true;
            }
            if (!e.rule().equals("cel")) {
                return false;
            }
            int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
            if (cut <= 0) {
                return false;
            }
            path = path.substring(0, cut);
        }
    }
}
