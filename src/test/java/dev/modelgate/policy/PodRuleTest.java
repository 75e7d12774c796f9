package dev.modelgate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rule table stays one place: unique ids, sentences that name the object and the rule, all documented. */
class PodRuleTest {

    @Test
    void idsAreUniqueKebabCaseAndEverySentenceNamesTheObjectAndTheRule() {
        Set<String> ids = new HashSet<>();
        for (PodRule r : PodRule.values()) {
            assertTrue(ids.add(r.id()), "duplicate id " + r.id());
            assertTrue(r.id().matches("[a-z]+(-[a-z]+)*"), r.id());
            assertTrue(r.template().startsWith("{0}"), r + " must start with the object");
            assertTrue(r.template().contains("rule {rule}"), r + " must name its rule");
        }
    }

    @Test
    void messagesFillTheirArgumentsAndKeepQuotes() {
        assertEquals("Pod ns/p: volume 'x' is a hostPath volume, which can reach storage outside the model contract "
                + "(rule volume-type); use a persistentVolumeClaim, emptyDir, configMap, secret, downwardAPI, projected "
                + "or ephemeral volume, or ask an administrator to add hostPath to "
                + "modelgate.admission.allowed-volume-types", PodRule.VOLUME_TYPE.message("Pod ns/p", "x", "hostPath"));
    }

    @Test
    void everyRuleIsDocumentedInAdmissionMd() throws Exception {
        String doc = Files.readString(Path.of("docs", "admission.md"));
        String missing = Arrays.stream(PodRule.values()).filter(r -> r != PodRule.INTERNAL_ERROR)
                .map(PodRule::id).filter(id -> !doc.contains("| `" + id + "` |")).reduce("", (a, b) -> a + " " + b);
        assertEquals("", missing, "rules without a row in docs/admission.md");
    }
}
