package dev.modelgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelgate.api.schema.CommittedCrds;

/**
 * The API server refuses a CRD whose CEL rules could be too expensive: a rule's worst-case estimated cost
 * (from maxItems and maxLength) may not exceed 10,000,000, nor all rules together 100,000,000.
 *
 * <p>This is an approximation of cel-go's estimator for the shapes of rule used here, deliberately on the
 * high side: every list a rule runs over, or is nested in, must declare maxItems; the quadratic uniqueness
 * idiom {@code self.all(x, self.exists_one(y, y.f == x.f))} costs about n² string comparisons at
 * ceil(0.1 × maxLength) each, plus a few units per step; other rules cost a small constant per evaluation.
 * It exists so that raising a maxItems (say, files to 10,000) fails here instead of at {@code kubectl apply}.
 */
class CelCostTest {

    static final long RULE_LIMIT = 10_000_000L;
    static final long CRD_LIMIT = 100_000_000L;
    /** Cost of the selects, idents, accumulator update and loop condition around each comparison. */
    static final long STEP_OVERHEAD = 8;
    /** Upper bound for a rule without comprehensions (a handful of has(), size() and comparisons). */
    static final long FLAT_RULE_COST = 50;

    private static final Pattern UNIQUENESS =
            Pattern.compile("^self\\.all\\((\\w+), self\\.exists_one\\((\\w+), \\2\\.(\\w+) == \\1\\.\\3\\)\\)$");

    @Test
    void everyRuleFitsTheApiServerBudget() {
        for (String file : List.of(CommittedCrds.TRUSTED_MODEL_FILE, CommittedCrds.MODEL_SOURCE_FILE)) {
            List<String> problems = new ArrayList<>();
            long total = estimate(CommittedCrds.crd(file).at("/spec/versions/0/schema/openAPIV3Schema"), "", 1, problems);
            assertEquals(List.of(), problems, file);
            assertTrue(total <= CRD_LIMIT, file + ": estimated total CEL cost " + total + " exceeds " + CRD_LIMIT);
        }
    }

    @Test
    void filesUniquenessRuleIsTheCostliestAndStillFits() {
        JsonNode files = CommittedCrds.crd(CommittedCrds.TRUSTED_MODEL_FILE)
                .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/files");
        long cost = uniquenessCost(files, files.at("/x-kubernetes-validations/0/rule").asText());
        // 128 files of up to 4096-character paths: roughly 7 million, under the 10 million limit.
        assertTrue(cost > 5_000_000L && cost <= RULE_LIMIT, "estimated cost " + cost);
    }

    /** Estimated cost of all rules at and below {@code schema}, each multiplied by how often it runs. */
    private static long estimate(JsonNode schema, String path, long cardinality, List<String> problems) {
        long total = 0;
        for (JsonNode validation : schema.path("x-kubernetes-validations")) {
            String rule = validation.path("rule").asText();
            long cost;
            if (rule.contains("all(") || rule.contains("exists")) {
                if (!UNIQUENESS.matcher(rule).matches() || !schema.has("maxItems")) {
                    problems.add(path + ": no estimate for '" + rule + "' (or its list has no maxItems)");
                    continue;
                }
                cost = uniquenessCost(schema, rule);
            } else {
                cost = FLAT_RULE_COST;
            }
            long perRule = cost * cardinality;
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
            if (!schema.has("maxItems") && hasRules(schema.get("items"))) {
                problems.add(path + ": list items carry CEL rules but the list has no maxItems");
            }
            long items = schema.path("maxItems").asLong(1);
            total += estimate(schema.get("items"), path + "[]", cardinality * items, problems);
        }
        return total;
    }

    private static long uniquenessCost(JsonNode list, String rule) {
        Matcher m = UNIQUENESS.matcher(rule);
        assertTrue(m.matches(), rule);
        JsonNode field = list.at("/items/properties/" + m.group(3));
        long n = list.path("maxItems").asLong();
        long maxLength = field.path("maxLength").asLong(-1);
        assertTrue(maxLength > 0, "field " + m.group(3) + " compared by '" + rule + "' needs a maxLength");
        long comparison = (maxLength + 9) / 10;
        return n * n * (comparison + STEP_OVERHEAD) + n * STEP_OVERHEAD;
    }

    private static boolean hasRules(JsonNode schema) {
        return !schema.findValues("x-kubernetes-validations").isEmpty();
    }
}
