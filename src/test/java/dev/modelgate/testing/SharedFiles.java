package dev.modelgate.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Test inputs that live next to the checkout in {@code ../shared} (reference vectors, the control plane). Call
 * {@link #require} inside each test (or a {@code @BeforeEach}), never in {@code @BeforeAll} or a test factory: there
 * an absent prerequisite makes the tests vanish from the report instead of showing as skipped.
 */
public final class SharedFiles {

    private SharedFiles() {
    }

    /** CI always has ../shared: there its absence is a failure. */
    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips the calling test with the reason when {@code path} is absent; fails it instead under CI=true. */
    public static void require(Path path, String what) {
        if (!Files.exists(path)) {
            String why = path + " is absent: " + what;
            if (ci()) {
                fail("CI=true but " + why);
            }
            Assumptions.abort(why + " skipped");
        }
    }
}
