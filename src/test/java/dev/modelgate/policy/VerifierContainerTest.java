package dev.modelgate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The injected verifier as a cluster admin expects it: restricted Pod Security, resources for quotas. */
class VerifierContainerTest {

    static final String PLAN = "{\"models\":[]}";

    @Test
    void passesPodSecurityRestrictedOnItsOwn() {
        ObjectNode c = VerifierContainer.injected(PLAN, "img", "models", VerifierResources.DEFAULT);
        assertEquals(List.of(), restrictedViolations(c));
        JsonNode sc = c.path("securityContext");
        // identity from the mutation, never inherited from the pod's securityContext (which may say root)
        assertEquals(10001, sc.path("runAsUser").asLong());
        assertEquals(10001, sc.path("runAsGroup").asLong());
        assertTrue(sc.path("readOnlyRootFilesystem").asBoolean());
        assertFalse(sc.path("privileged").asBoolean(true));
    }

    @Test
    void injectedResourcesSatisfyAQuotaThatDemandsLimits() {
        ObjectNode c = VerifierContainer.injected(PLAN, "img", "models", VerifierResources.DEFAULT);
        assertEquals("250m", c.at("/resources/requests/cpu").asText());
        assertEquals("256Mi", c.at("/resources/requests/memory").asText());
        assertEquals("2", c.at("/resources/limits/cpu").asText());
        assertEquals("512Mi", c.at("/resources/limits/memory").asText());
        ObjectNode custom = VerifierContainer.injected(PLAN, "img", "models", VerifierResources.of("1", "1Gi", "none", ""));
        assertEquals("1Gi", custom.at("/resources/requests/memory").asText());
        assertTrue(custom.at("/resources/limits").isMissingNode(), "none and empty leave entries out");
        assertTrue(VerifierContainer.injected(PLAN, "img", "models", VerifierResources.of(null, null, null, null))
                .path("resources").isMissingNode());
        assertNull(VerifierResources.of("", "", "", "").toJson());
    }

    @Test
    void resourcesAreNotComparedButTheSecurityContextIs() {
        ObjectNode expected = VerifierContainer.expected(PLAN, "img", "models");
        ObjectNode injected = VerifierContainer.injected(PLAN, "img", "models", VerifierResources.DEFAULT);
        assertTrue(VerifierContainer.matches(injected, expected), "a LimitRange may change resources");
        for (String field : List.of("runAsUser", "runAsNonRoot", "readOnlyRootFilesystem", "seccompProfile", "runAsGroup")) {
            ObjectNode tampered = injected.deepCopy();
            ((ObjectNode) tampered.path("securityContext")).remove(field);
            assertFalse(VerifierContainer.matches(tampered, expected), "without " + field + " it is not the verifier");
        }
        // as the API server sends it back: parsed from JSON text (numbers come back as ints)
        JsonNode parsed;
        try {
            parsed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(injected.toString());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertTrue(VerifierContainer.matches(parsed, expected), "the injected container, round-tripped through JSON");
        ObjectNode root = injected.deepCopy();
        ((ObjectNode) root.path("securityContext")).put("runAsUser", 0);
        assertFalse(VerifierContainer.matches(root, expected), "a verifier running as root is refused");
    }

    @Test
    void quantitiesAreCheckedAtStartUp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VerifierResources.of("lots", "256Mi", "2", "512Mi"));
        assertTrue(e.getMessage().contains("requests.cpu 'lots' is not a Kubernetes quantity"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VerifierResources.of("1", "256MB", "2", "512Mi"));
        VerifierResources.of("0.5", "1e9", "1500m", "1.5Gi"); // all valid
    }

    /** The container-level checks of Pod Security Standards "restricted" (v1.29). */
    static List<String> restrictedViolations(JsonNode c) {
        List<String> out = new ArrayList<>();
        JsonNode sc = c.path("securityContext");
        if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
            out.add("allowPrivilegeEscalation != false");
        }
        if (!sc.at("/capabilities/drop").toString().contains("\"ALL\"")) {
            out.add("capabilities.drop lacks ALL");
        }
        if (sc.at("/capabilities/add").size() > 0) {
            out.add("capabilities.add");
        }
        if (!sc.path("runAsNonRoot").asBoolean(false)) {
            out.add("runAsNonRoot != true");
        }
        if (sc.has("runAsUser") && sc.path("runAsUser").asLong() == 0) {
            out.add("runAsUser = 0");
        }
        String seccomp = sc.at("/seccompProfile/type").asText();
        if (!seccomp.equals("RuntimeDefault") && !seccomp.equals("Localhost")) {
            out.add("seccompProfile.type not RuntimeDefault or Localhost");
        }
        if (sc.path("privileged").asBoolean(false)) {
            out.add("privileged");
        }
        return out;
    }
}
