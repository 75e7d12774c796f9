package dev.modelgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelgate.api.schema.CommittedCrds;

/**
 * The API server refuses a CRD whose CEL rules could be too expensive: each rule's worst-case estimated cost
 * may not exceed 10,000,000, nor all rules of the CRD together 100,000,000. The estimate multiplies a rule's
 * cost by the largest number of times it can run: the product of {@code maxItems} of the lists it sits in,
 * and for a list without {@code maxItems}, as many elements as fit in a 3 MiB request, which alone can break
 * the budget.
 *
 * <p>This test keeps the rules in the shape whose cost is easy to bound honestly: flat rules (has(), size(),
 * comparisons of scalars and timestamps), each costing a small constant per evaluation, under lists that all
 * declare {@code maxItems}. Comprehensions ({@code all}, {@code exists}, {@code exists_one}, {@code map},
 * {@code filter}) and string scans ({@code matches}, {@code contains}, ...) are refused here: their cost
 * depends on cel-go's estimator (a quadratic uniqueness rule that an earlier approximation put at 7 million
 * was estimated by the API server at 27 million), so such a rule needs its cost proven on the real API
 * server first ({@code dev.modelgate.delivery.CrdOnApiServerTest}) and then a model here. Uniqueness is
 * declared with list-map keys instead, which cost nothing.
 */
class CelCostTest {

    static final long RULE_LIMIT = 10_000_000L;
    static final long CRD_LIMIT = 100_000_000L;
    /** Upper bound for a flat rule: a handful of has(), size() and comparisons of scalars, about 1 unit each. */
    static final long FLAT_RULE_COST = 50;

    /** Calls whose cost grows with a list's or a string's length. */
    private static final Pattern UNBOUNDED_CALL =
            Pattern.compile("\\.(all|exists|exists_one|map|filter|matches|contains|startsWith|endsWith|split|join|"
                    + "replace|indexOf|lastIndexOf|lowerAscii|upperAscii|trim|substring|find|findAll)\\(");

    @Test
    void everyRuleIsFlatAndFitsTheApiServerBudget() {
        for (String file : List.of(CommittedCrds.TRUSTED_MODEL_FILE, CommittedCrds.MODEL_SOURCE_FILE)) {
            List<String> problems = new ArrayList<>();
            long total = estimate(CommittedCrds.crd(file).at("/spec/versions/0/schema/openAPIV3Schema"), "", 1, problems);
            assertEquals(List.of(), problems, file);
            assertTrue(total <= CRD_LIMIT, file + ": estimated total CEL cost " + total + " exceeds " + CRD_LIMIT);
        }
    }

    @Test
    void theEstimateRefusesWhatTheApiServerRefused() {
        // The rule the API server refused (estimated 2.7x over budget): a quadratic uniqueness check.
        JsonNode files = CommittedCrds.crd(CommittedCrds.TRUSTED_MODEL_FILE)
                .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/files").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) files).putArray("x-kubernetes-validations").addObject()
                .put("rule", "self.all(f, self.exists_one(g, g.path == f.path))");
        List<String> problems = new ArrayList<>();
        estimate(files, "spec.files", 1, problems);
        assertEquals(1, problems.size(), problems::toString);

        // A flat rule under a list without maxItems: unbounded cardinality.
        JsonNode unbounded = CommittedCrds.crd(CommittedCrds.MODEL_SOURCE_FILE)
                .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/signing/properties/keys")
                .deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) unbounded).remove("maxItems");
        problems.clear();
        estimate(unbounded, "spec.signing.keys", 1, problems);
        assertTrue(problems.stream().anyMatch(p -> p.contains("no maxItems")), problems::toString);
    }

    @Test
    void uniqueListsAreListMapsNotCelRules() {
        assertListMap(CommittedCrds.TRUSTED_MODEL_FILE, "/spec/properties/files", "path");
        assertListMap(CommittedCrds.TRUSTED_MODEL_FILE, "/status/properties/conditions", "type");
        assertListMap(CommittedCrds.MODEL_SOURCE_FILE, "/spec/properties/signing/properties/keys", "name");
        assertListMap(CommittedCrds.MODEL_SOURCE_FILE, "/status/properties/conditions", "type");
    }

    private static void assertListMap(String file, String pointer, String key) {
        JsonNode list = CommittedCrds.crd(file).at("/spec/versions/0/schema/openAPIV3Schema/properties" + pointer);
        assertEquals("map", list.path("x-kubernetes-list-type").asText(), file + pointer);
        assertEquals(List.of(key), List.of(list.path("x-kubernetes-list-map-keys").path(0).asText()), file + pointer);
        assertEquals(1, list.path("x-kubernetes-list-map-keys").size(), file + pointer);
        assertTrue(list.at("/items/required").toString().contains("\"" + key + "\""),
                file + pointer + ": a list-map key must be required");
    }

    /** Estimated cost of all rules at and below {@code schema}, each multiplied by how often it can run. */
    private static long estimate(JsonNode schema, String path, long cardinality, List<String> problems) {
        long total = 0;
        for (JsonNode validation : schema.path("x-kubernetes-validations")) {
            String rule = validation.path("rule").asText();
            if (UNBOUNDED_CALL.matcher(rule).find()) {
                problems.add(path + ": '" + rule + "' is not flat; its cost needs cel-go's estimator "
                        + "(prove it on the API server, or use list-map keys for uniqueness)");
                continue;
            }
            long perRule = FLAT_RULE_COST * cardinality;
            if (perRule > RULE_LIMIT) {
                problems.add(path + ": '" + rule + "' estimated at " + perRule + " > " + RULE_LIMIT);
            }
            total += perRule;
        }
        for (var it = schema.path("properties").fields(); it.hasNext();) {
            var property = it.next();
            total += estimate(property.getValue(), path + "." + property.getKey(), cardinality, problems);
        }
        if (schema.has("items")) {
            if (!schema.has("maxItems") && hasRules(schema)) {
                problems.add(path + ": list carries CEL rules but has no maxItems");
            }
            long items = schema.path("maxItems").asLong(1);
            total += estimate(schema.get("items"), path + "[]", cardinality * items, problems);
        }
        return total;
    }

    private static boolean hasRules(JsonNode schema) {
        return !schema.findValues("x-kubernetes-validations").isEmpty();
    }
}
