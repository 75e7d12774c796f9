package dev.modelgate.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The namespace modes as a user sees them: enforce refuses, warn lets through with kubectl warnings, audit records Events. */
@ExtendWith(E2EExtension.class)
class ModesE2EIT {

    static final String UNKNOWN = "no-such-model";

    @Test
    void enforceRefusesAPodNamingAnUnknownModel() {
        E2E.operator();
        ControlPlane cluster = E2E.cluster();
        Namespaces.optedIn(cluster, "e2e-enforce", "enforce");
        Kubectl.Result r = create(cluster, "e2e-enforce", "unknown-model");
        assertFalse(r.ok(), "enforce must refuse\n" + r);
        assertTrue(r.err().contains(UNKNOWN), "the refusal names the model\n" + r);
    }

    @Test
    void warnModeAdmitsAndKubectlShowsTheWarnings() {
        E2E.operator();
        ControlPlane cluster = E2E.cluster();
        Namespaces.optedIn(cluster, "e2e-warn", "warn");
        Kubectl.Result r = create(cluster, "e2e-warn", "unknown-model");
        assertTrue(r.ok(), "warn mode admits\n" + r);
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("Warning:") && l.contains(UNKNOWN)),
                "kubectl should print the webhook's warning naming the model\n" + r);
    }

    @Test
    void auditModeAdmitsAndWritesAnEvent() {
        E2E.operator();
        ControlPlane cluster = E2E.cluster();
        Namespaces.optedIn(cluster, "e2e-audit", "audit");
        Kubectl.Result r = create(cluster, "e2e-audit", "unknown-model");
        assertTrue(r.ok(), "audit mode admits\n" + r);
        Event event = await("an audit Event for the pod").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> cluster.client().v1().events().inNamespace("e2e-audit").list().getItems().stream()
                        .filter(e -> "unknown-model".equals(e.getInvolvedObject().getName()))
                        .filter(e -> e.getReason() != null && e.getReason().startsWith("ModelGate")).findFirst().orElse(null),
                        e -> e != null);
        assertTrue(event.getMessage().contains(UNKNOWN), "the Event names the model: " + event.getMessage());
        assertTrue("Warning".equals(event.getType()), "a Warning Event: " + event);
    }

    static Kubectl.Result create(ControlPlane cluster, String ns, String name) {
        return cluster.admin().runWithInput(Fixtures.yaml(cluster.client(), Fixtures.podWithModels(ns, name, UNKNOWN)),
                "create", "-f", "-");
    }
}
