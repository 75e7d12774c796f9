package dev.modelgate.api.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The validation harness itself must catch what the API server catches; otherwise a green
 * SchemaValidationTest would prove nothing. Each test feeds it a small schema and object.
 */
class CelRuleValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    private static final String KEY_SCHEMA = """
            {'type': 'object', 'properties': {
              'name': {'type': 'string'},
              'notBefore': {'type': 'string', 'format': 'date-time'},
              'notAfter': {'type': 'string', 'format': 'date-time'}},
             'x-kubernetes-validations': [
               {'rule': '!has(self.notBefore) || !has(self.notAfter) || self.notBefore < self.notAfter',
                'message': 'window is empty'}]}""";

    private static JsonNode listOf(String itemSchema, String listRule) throws Exception {
        return json("{'type': 'object', 'properties': {'keys': {'type': 'array', 'maxItems': 8, 'items': " + itemSchema
                + (listRule == null ? "" : ", 'x-kubernetes-validations': [{'rule': '" + listRule + "', 'message': 'dup'}]")
                + "}}}");
    }

    @Test
    void ruleSelectingAnUndeclaredFieldIsRefusedWhenTheSchemaIsLoaded() throws Exception {
        JsonNode schema = json("{'type': 'object', 'properties': {'a': {'type': 'string'}},"
                + " 'x-kubernetes-validations': [{'rule': 'has(self.b)'}]}");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new CelRuleValidator(schema, "T"));
        assertTrue(e.getMessage().contains("has(self.b)"), e.getMessage());
    }

    @Test
    void ruleComparingATimestampWithAStringIsRefused() throws Exception {
        JsonNode schema = json("{'type': 'object', 'properties': {'t': {'type': 'string', 'format': 'date-time'}},"
                + " 'x-kubernetes-validations': [{'rule': 'self.t < \\u0027tomorrow\\u0027'}]}");
        assertThrows(IllegalStateException.class, () -> new CelRuleValidator(schema, "T"));
    }

    @Test
    void ruleThatDoesNotReturnBoolIsRefused() throws Exception {
        JsonNode schema = json("{'type': 'object', 'properties': {'a': {'type': 'string'}},"
                + " 'x-kubernetes-validations': [{'rule': 'self.a'}]}");
        assertThrows(IllegalStateException.class, () -> new CelRuleValidator(schema, "T"));
    }

    @Test
    void dateTimesAreComparedAsTimestamps() throws Exception {
        CelRuleValidator validator = new CelRuleValidator(json(KEY_SCHEMA), "Key");
        assertEquals(1, validator.ruleCount());
        // Lexically "2026-06-01T00:00:00+02:00" > "2026-05-31T23:00:00Z", but as instants it is earlier.
        assertEquals(List.of(), validator.validate(json(
                "{'notBefore': '2026-05-31T23:00:00+02:00', 'notAfter': '2026-05-31T23:00:00Z'}")));
        assertEquals(List.of(new Violation("", "cel", "window is empty")), validator.validate(json(
                "{'notBefore': '2027-01-01T00:00:00Z', 'notAfter': '2026-01-01T00:00:00Z'}")));
    }

    @Test
    void rulesOnListItemsRunForEachItemAtItsPath() throws Exception {
        CelRuleValidator validator = new CelRuleValidator(listOf(KEY_SCHEMA, null), "Source");
        List<Violation> violations = validator.validate(json("{'keys': ["
                + "{'name': 'a', 'notBefore': '2026-01-01T00:00:00Z', 'notAfter': '2027-01-01T00:00:00Z'},"
                + "{'name': 'b', 'notBefore': '2027-01-01T00:00:00Z', 'notAfter': '2026-01-01T00:00:00Z'},"
                + "{'name': 'c', 'notBefore': '2028-01-01T00:00:00Z', 'notAfter': '2026-01-01T00:00:00Z'}]}"));
        assertEquals(List.of(new Violation("keys[1]", "cel", "window is empty"),
                new Violation("keys[2]", "cel", "window is empty")), violations);
    }

    @Test
    void ruleOnAListSeesTheWholeList() throws Exception {
        CelRuleValidator validator = new CelRuleValidator(
                listOf(KEY_SCHEMA, "self.all(k, self.exists_one(j, j.name == k.name))"), "Source");
        assertEquals(List.of(), validator.validate(json("{'keys': [{'name': 'a'}, {'name': 'b'}]}")));
        assertEquals(List.of(new Violation("keys", "cel", "dup")),
                validator.validate(json("{'keys': [{'name': 'a'}, {'name': 'b'}, {'name': 'a'}]}")));
    }

    @Test
    void rulesOnAbsentFieldsAreNotEvaluated() throws Exception {
        CelRuleValidator validator = new CelRuleValidator(
                json("{'type': 'object', 'properties': {'review': {'type': 'object', 'properties': {"
                        + "'interval': {'type': 'string'}}, 'x-kubernetes-validations': [{'rule': 'false'}]}}}"),
                "T");
        assertEquals(List.of(), validator.validate(json("{}")));
        assertEquals(1, validator.validate(json("{'review': {}}")).size());
    }

    @Test
    void ruleWithoutMessageReportsTheRule() throws Exception {
        CelRuleValidator validator = new CelRuleValidator(json("{'type': 'object', 'properties': {"
                + "'n': {'type': 'integer'}}, 'x-kubernetes-validations': [{'rule': 'self.n > 3'}]}"), "T");
        assertEquals(List.of(new Violation("", "cel", "failed rule: self.n > 3")), validator.validate(json("{'n': 2}")));
    }

    @Test
    void fieldPathPointsTheErrorAtTheNamedField() throws Exception {
        CelRuleValidator validator = new CelRuleValidator(json("{'type': 'object', 'properties': {'review': {"
                + "'type': 'object', 'properties': {'interval': {'type': 'string'}, 'lastReviewed': {'type': 'string'}},"
                + " 'x-kubernetes-validations': [{'rule': '!has(self.interval) || has(self.lastReviewed)',"
                + " 'fieldPath': '.lastReviewed', 'reason': 'FieldValueRequired', 'message': 'needs date'}]}}}"), "T");
        assertEquals(List.of(new Violation("review.lastReviewed", "cel", "needs date")),
                validator.validate(json("{'review': {'interval': '9d'}}")));
    }

    @Test
    void fieldPathToAnUndeclaredFieldOrAnUnknownReasonIsRefused() throws Exception {
        String schema = "{'type': 'object', 'properties': {'a': {'type': 'string'}},"
                + " 'x-kubernetes-validations': [{'rule': 'true', %s}]}";
        assertThrows(IllegalStateException.class,
                () -> new CelRuleValidator(json(String.format(schema, "'fieldPath': '.b'")), "T"));
        assertThrows(IllegalStateException.class,
                () -> new CelRuleValidator(json(String.format(schema, "'reason': 'Nope'")), "T"));
        assertEquals(1, new CelRuleValidator(json(String.format(schema, "'fieldPath': '.a'")), "T").ruleCount());
    }

    @Test
    void defaultsAreAppliedBeforeRulesRun() throws Exception {
        CrdValidator validator = new CrdValidator("T", json("{'type': 'object', 'properties': {'spec': {"
                + "'type': 'object', 'properties': {'required': {'type': 'boolean', 'default': true},"
                + " 'keys': {'type': 'array', 'items': {'type': 'string'}}},"
                + " 'x-kubernetes-validations': [{'rule': '!self.required || has(self.keys)', 'message': 'needs keys'}]}}}"));
        assertEquals(List.of(new Violation("spec", "cel", "needs keys")),
                validator.validate(json("{'metadata': {'name': 'x'}, 'spec': {}}")));
        assertEquals(List.of(), validator.validate(json("{'metadata': {'name': 'x'}, 'spec': {'required': false}}")));
    }

    @Test
    void wrongTypesStopRulesLikeTheApiServerDoes() throws Exception {
        CrdValidator validator = new CrdValidator("T", json("{'type': 'object', 'properties': {'spec': {"
                + "'type': 'object', 'properties': {'n': {'type': 'integer'}},"
                + " 'x-kubernetes-validations': [{'rule': 'self.n > 3', 'message': 'small'}]}}}"));
        List<Violation> violations = validator.validate(json("{'metadata': {'name': 'x'}, 'spec': {'n': 'four'}}"));
        assertEquals(1, violations.size(), violations::toString);
        assertEquals("type", violations.get(0).rule());
        assertEquals("spec.n", violations.get(0).path());
    }

    @Test
    void patternsAreJudgedByRe2() throws Exception {
        // A look-ahead is valid java.util.regex but not RE2: the API server would refuse the CRD.
        JsonNode schema = json("{'type': 'object', 'properties': {'a': {'type': 'string', 'pattern': '^(?=x)x$'}}}");
        RuntimeException e = assertThrows(RuntimeException.class, () -> new OpenApiValidator(schema, Re2Regex.INSTANCE));
        Throwable cause = e;
        while (cause != null && !(cause instanceof com.google.re2j.PatternSyntaxException)) {
            cause = cause.getCause();
        }
        assertTrue(cause != null, () -> "expected RE2 to refuse the pattern, got " + e);
    }

    @Test
    void unknownFieldsAndMissingNamesAreRefused() throws Exception {
        OpenApiValidator validator = new OpenApiValidator(json(
                "{'type': 'object', 'properties': {'spec': {'type': 'object', 'properties': {'a': {'type': 'string'}}}}}"),
                Re2Regex.INSTANCE);
        assertEquals(List.of(new Violation("spec.b", "unknown-field", "property 'b' is not defined in the schema and the schema does not allow additional properties")),
                validator.validate(json("{'metadata': {'name': 'n'}, 'spec': {'b': 'x'}}")));
        List<Violation> noName = validator.validate(json("{'metadata': {}, 'spec': {}}"));
        assertEquals(1, noName.size(), noName::toString);
        assertEquals("metadata.name", noName.get(0).path());
        assertEquals("required", noName.get(0).rule());
    }
}
