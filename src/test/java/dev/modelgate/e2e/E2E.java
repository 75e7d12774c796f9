package dev.modelgate.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Entry point of the end-to-end suite: the repository, the work folder under {@code target/e2e}, and the shared
 * control plane, installation and operator, each started once per JVM on first use.
 */
public final class E2E {

    private E2E() {
    }

    public static Path repo() {
        return Path.of(System.getProperty("modelgate.repo", ".")).toAbsolutePath().normalize();
    }

    public static Path work() {
        return repo().resolve("target/e2e");
    }

    /** CI always has the control plane: there, its absence is a failure, never a skip. */
    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips the calling test with the reason (fails it under CI=true) when the control plane cannot run here. */
    public static void assumeControlPlane() {
        String why = ControlPlane.whyUnavailable();
        if (why != null) {
            if (ci()) {
                fail("CI=true but " + why);
            }
            Assumptions.abort(why + ": end-to-end test skipped");
        }
    }

    /** The running control plane (started on first use). */
    public static ControlPlane cluster() {
        assumeControlPlane();
        try {
            return ControlPlane.get();
        } catch (IllegalStateException unavailable) {
            assumeControlPlane();
            throw unavailable;
        }
    }

    /** The control plane with crds/ and manifests/ applied and the operator's ServiceAccount kubeconfig written. */
    public static Installation installed() {
        return Installation.get(cluster()).requireOk();
    }

    /** The shared operator process, running and serving its webhooks (started or restarted when needed). */
    public static OperatorProcess operator() {
        return Operators.primary(installed());
    }
}
