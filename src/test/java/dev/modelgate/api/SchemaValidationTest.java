package dev.modelgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelgate.api.files.Example;
import dev.modelgate.api.files.ProjectFiles;
import dev.modelgate.api.schema.CommittedCrds;
import dev.modelgate.api.schema.Violation;

/**
 * Every example under {@code docs/examples/} is validated against the committed CRDs, schema and CEL rules,
 * the way the API server would on {@code kubectl apply}: the good ones must be accepted, and each one under
 * {@code invalid/} must be refused for exactly the reasons its header states, and for no other.
 */
class SchemaValidationTest {

    private static final String API_VERSION = "modelgate.dev/v1alpha1";

    /** The refusals the product contract names; each must keep an example so it stays proven. */
    private static final Set<String> REQUIRED_INVALID_EXAMPLES = Set.of(
            "modelsource-http-url.yaml",
            "trustedmodel-file-url-http.yaml",
            "trustedmodel-sha256-not-hex.yaml",
            "trustedmodel-sha256-uppercase.yaml",
            "trustedmodel-sha256-63-chars.yaml",
            "trustedmodel-path-dotdot.yaml",
            "trustedmodel-path-absolute.yaml",
            "trustedmodel-path-empty-segment.yaml",
            "trustedmodel-missing-source.yaml",
            "trustedmodel-missing-files.yaml",
            "trustedmodel-empty-files.yaml",
            "trustedmodel-negative-size.yaml",
            "trustedmodel-scan-policy-strict.yaml",
            "trustedmodel-duplicate-paths.yaml",
            "modelsource-revoked-key-without-reason.yaml",
            "trustedmodel-review-interval-without-date.yaml",
            "modelsource-signing-required-without-keys.yaml",
            "trustedmodel-oci-tag.yaml",
            "trustedmodel-oci-tag-and-digest.yaml",
            "modelsource-oci-prefix-with-scheme.yaml");

    @TestFactory
    Stream<DynamicTest> validExamplesAreAccepted() throws IOException {
        List<Example> examples = Example.loadAll(ProjectFiles.examplesDir());
        assertTrue(examples.size() >= 5, "expected the good examples under docs/examples, found " + examples.size());
        return examples.stream().map(example -> DynamicTest.dynamicTest(example.name(), () -> {
            assertTrue(example.expectations().isEmpty(), example.name() + " is a good example but has expect: lines");
            assertFalse(example.documents().isEmpty(), example.name() + " holds no resource");
            for (JsonNode document : example.documents()) {
                assertEquals(API_VERSION, document.path("apiVersion").asText(), example.name() + ": apiVersion");
                List<Violation> violations = CommittedCrds.validatorFor(document).validate(document);
                assertTrue(violations.isEmpty(), () -> example.name() + " should be accepted but is refused:\n  "
                        + violations.stream().map(Violation::toString).collect(Collectors.joining("\n  ")));
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidExamplesAreRefusedForTheirStatedReason() throws IOException {
        List<Example> examples = Example.loadAll(ProjectFiles.examplesDir().resolve("invalid"));
        Set<String> names = examples.stream().map(Example::name).collect(Collectors.toSet());
        assertTrue(names.containsAll(REQUIRED_INVALID_EXAMPLES), () -> "missing invalid examples: "
                + REQUIRED_INVALID_EXAMPLES.stream().filter(n -> !names.contains(n)).sorted().toList());
        return examples.stream().map(example -> DynamicTest.dynamicTest(example.name(), () -> {
            assertFalse(example.description().isEmpty(), example.name() + " must say at the top which rule it breaks");
            assertFalse(example.expectations().isEmpty(), example.name() + " needs at least one '# expect:' line");
            assertEquals(1, example.documents().size(), example.name() + " should hold exactly one resource");
            JsonNode document = example.documents().get(0);
            assertEquals(API_VERSION, document.path("apiVersion").asText(), example.name() + ": apiVersion");

            List<Violation> violations = CommittedCrds.validatorFor(document).validate(document);
            String found = violations.isEmpty() ? "nothing"
                    : violations.stream().map(Violation::toString).collect(Collectors.joining("\n  ", "\n  ", ""));
            for (Example.Expectation expected : example.expectations()) {
                assertTrue(violations.stream().anyMatch(v -> expected.matches(v.path(), v.rule(), v.message())),
                        () -> example.name() + " should be refused with [" + expected + "] but the validator found: " + found);
            }
            for (Violation violation : violations) {
                assertTrue(example.expectations().stream()
                                .anyMatch(e -> e.matches(violation.path(), violation.rule(), violation.message())),
                        () -> example.name() + " is also refused for a reason its header does not state: " + violation
                                + "\n(an invalid example should break one rule, so it proves that rule)");
            }
        }));
    }
}
