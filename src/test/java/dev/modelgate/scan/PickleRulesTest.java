package dev.modelgate.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.scan.pickle.PickleRules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rule table as data: every line well formed, every entry doing what it says. */
class PickleRulesTest {

    final PickleRules rules = PickleRules.defaults();

    static List<String[]> rows() throws IOException {
        try (InputStream in = PickleRules.class.getResourceAsStream("/dev/modelgate/scan/pickle-globals.tsv")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split("\t")).toList();
        }
    }

    @Test
    void everyAllowedGlobalIsAllowedAndEveryDenyEntryHasItsSeverity() throws IOException {
        int allow = 0;
        int deny = 0;
        for (String[] r : rows()) {
            assertEquals(4, r.length, () -> String.join("|", r));
            assertFalse(r[3].isBlank(), () -> "no reason for " + r[1]);
            String path = r[1].endsWith(".*") ? r[1].replace(".*", ".Anything") : r[1];
            int dot = path.lastIndexOf('.');
            if (r[0].equals("allow")) {
                allow++;
                List<PickleRules.Judgement> j = rules.judge(path.substring(0, dot), path.substring(dot + 1));
                assertTrue(j.isEmpty(), () -> r[1] + " is allowlisted but judged " + j);
            } else if (r[0].equals("allow-if")) {
                assertTrue(rules.guard(path.substring(0, dot), path.substring(dot + 1)) != null,
                        () -> r[1] + " has no condition");
            } else if (r[0].equals("deny")) {
                deny++;
                String module = dot < 0 ? path : path.substring(0, dot);
                String name = dot < 0 ? "anything" : path.substring(dot + 1);
                List<PickleRules.Judgement> j = rules.judge(module, name);
                Severity expected = Severity.valueOf(r[2]);
                assertTrue(!j.isEmpty() && j.get(0).severity().atLeast(expected),
                        () -> r[1] + " should be at least " + expected + " but is " + j);
            }
        }
        assertTrue(allow > 50 && deny > 100, allow + " allow, " + deny + " deny entries");
    }

    @Test
    void aliasesAndSuffixesResolve() {
        assertEquals("os", rules.canonicalModule("posix"));
        assertEquals("os", rules.canonicalModule("nt"));
        assertEquals("builtins", rules.canonicalModule("__builtin__"));
        assertEquals("operator", rules.canonicalModule("_operator"));
        assertEquals("io", rules.canonicalModule("_io"));
        assertEquals("_thread", rules.canonicalModule("thread"));
        assertEquals(Severity.CRITICAL, rules.judge("torch.serialization", "os.system").get(0).severity());
        assertEquals(Severity.MEDIUM, rules.judge("somepackage.models", "Net").get(0).severity());
        assertTrue(rules.judge("builtins", "set").isEmpty());
        assertEquals(Severity.MEDIUM, rules.judge("builtins", "print").get(0).severity());
    }
}
