package dev.modelgate.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The controller settings the operator relies on, as the SDK resolved them at runtime, not as the annotations and
 * properties ask for them: the Quarkus extension once dropped an annotation attribute silently (see
 * {@link ReconciledModels}), so what is relied on is read back here.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ResolvedOperatorConfigurationTest {

    @Inject
    Operator operator;

    private ControllerConfiguration<?> controller(String name) {
        Optional<RegisteredController> registered = operator.getRegisteredController(name);
        assertTrue(registered.isPresent(), "controller " + name + " is registered");
        return registered.get().getConfiguration();
    }

    @Test
    void bothControllersResyncEveryTenMinutesAndIgnoreTheirOwnStatusWrites() {
        for (String name : new String[] {TrustedModelReconciler.NAME, ModelSourceReconciler.NAME}) {
            ControllerConfiguration<?> c = controller(name);
            assertEquals(Optional.of(Duration.ofMinutes(10)), c.maxReconciliationInterval(),
                    name + ": modelgate.operator.resync is the safety net docs/operator.md promises");
            // A status write does not bump metadata.generation: without this, every write would reconcile again.
            assertTrue(c.isGenerationAware(), name + " is generation-aware");
        }
    }

    @Test
    void tenReconcilesRunAtOnce() {
        assertEquals(10, operator.getConfigurationService().concurrentReconciliationThreads(),
                "quarkus.operator-sdk.concurrent-reconciliation-threads, the figure docs/benchmarks.md measures with");
    }
}
