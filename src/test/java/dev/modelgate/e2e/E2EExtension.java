package dev.modelgate.e2e;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Every end-to-end test class carries this: each test is skipped with the reason when the control plane cannot
 * run here (failed under CI=true), so tests never vanish from the report; a failed test prints the tails of the
 * operator logs; when the whole run ends, the operators and then the control plane are stopped by pid.
 */
public final class E2EExtension implements BeforeEachCallback, TestWatcher {

    /**
     * Class order of the tests that stop the shared operator: after every other class (JUnit's default order is
     * Integer.MAX_VALUE / 2), so the operator is restarted as rarely as possible.
     */
    public static final int DISRUPTIVE = Integer.MAX_VALUE - 10;

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(E2EExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getRoot().getStore(NS).computeIfAbsent(Teardown.class, k -> new Teardown(), Teardown.class);
        E2E.assumeControlPlane();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (ControlPlane.started()) {
            System.err.println("e2e: " + context.getDisplayName() + " failed; operator logs:\n" + Operators.logTails(60));
        }
    }

    /** Closed by JUnit when the root context ends: the end of the test run in this JVM. */
    static final class Teardown implements AutoCloseable {
        @Override
        public void close() {
            stopEverything();
        }

        /** The operators, then the control plane, which is stopped even when stopping an operator failed. */
        static void stopEverything() {
            try {
                Operators.stopAll();
            } catch (Throwable e) {
                System.err.println("e2e: stopping the operators failed: " + e);
            } finally {
                ControlPlane.stopIfStarted();
            }
        }
    }
}
