package dev.modelgate.api.schema;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;

/**
 * Evaluates a CRD's {@code x-kubernetes-validations} rules with real CEL (cel-java), the way the API server
 * does on create:
 * <ul>
 * <li>when loaded, every rule is type-checked with {@code self} declared as the type of its schema node
 * ({@link CelTypes}) and must return bool, so a rule the API server would refuse at CRD creation fails
 * here too;</li>
 * <li>on validation, the schema and the object are walked together, and each rule is evaluated at every
 * node where the object has a value, with {@code self} bound to that value ({@link CelValues}); rules on
 * list items run once per item;</li>
 * <li>a rule that returns false yields its {@code message} (or {@code failed rule: <rule>}) at that node's
 * path, extended by the rule's {@code fieldPath}; a rule that cannot be evaluated yields an error there.</li>
 * <li>{@code fieldPath} must name a field of the node's schema and {@code reason} must be one the API server
 * knows, or loading fails, as creating the CRD would.</li>
 * </ul>
 * Only the standard CEL library is available, a subset of what the API server offers, so a rule that
 * uses anything more fails here first.
 */
final class CelRuleValidator {

    private record CompiledRule(String rule, String message, String fieldPath, CelRuntime.Program program) {
    }

    /** The {@code reason} values the API server accepts on a rule. */
    private static final Set<String> REASONS =
            Set.of("FieldValueInvalid", "FieldValueRequired", "FieldValueDuplicate", "FieldValueForbidden");

    private static final CelOptions OPTIONS = CelOptions.current()
            .evaluateCanonicalTypesToNativeValues(true)
            .build();

    /** Evaluation sees {@code self} as dyn; types were already checked when the rules were compiled. */
    private static final Cel EVALUATOR = CelFactory.standardCelBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .build();

    private final JsonNode rootSchema;
    private final Map<JsonNode, List<CompiledRule>> rulesBySchemaNode = new IdentityHashMap<>();
    private int ruleCount;

    /** Compiles every rule in {@code openApiV3Schema}; throws when any of them does not compile or type-check. */
    CelRuleValidator(JsonNode openApiV3Schema, String typeName) {
        this.rootSchema = openApiV3Schema;
        List<String> problems = new ArrayList<>();
        compileAll(openApiV3Schema, typeName, "", problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("CEL rules the API server would refuse:\n  " + String.join("\n  ", problems));
        }
    }

    /** How many rules the schema holds. */
    int ruleCount() {
        return ruleCount;
    }

    List<Violation> validate(JsonNode object) {
        List<Violation> violations = new ArrayList<>();
        walk(rootSchema, object, "", violations);
        return violations;
    }

    private void compileAll(JsonNode schema, String typeName, String path, List<String> problems) {
        JsonNode validations = schema.path("x-kubernetes-validations");
        if (validations.isArray() && !validations.isEmpty()) {
            CelTypes types = new CelTypes();
            CelType selfType = types.typeOf(schema, typeName);
            Cel checker = CelFactory.standardCelBuilder()
                    .setOptions(OPTIONS)
                    .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                    .setTypeProvider(types)
                    .addVar("self", selfType)
                    .setResultType(SimpleType.BOOL)
                    .build();
            List<CompiledRule> compiled = new ArrayList<>();
            String where = path.isEmpty() ? "<root>" : path;
            for (JsonNode validation : validations) {
                String rule = validation.path("rule").asText();
                String message = validation.hasNonNull("message") ? validation.get("message").asText() : null;
                String fieldPath = validation.path("fieldPath").asText("");
                String reason = validation.path("reason").asText("FieldValueInvalid");
                if (!REASONS.contains(reason)) {
                    problems.add(where + ": " + rule + " -> unknown reason " + reason);
                    continue;
                }
                if (!fieldPath.isEmpty() && !namesAField(schema, fieldPath)) {
                    problems.add(where + ": " + rule + " -> fieldPath " + fieldPath + " is not a field of this object");
                    continue;
                }
                try {
                    checker.compile(rule).getAst();
                    compiled.add(new CompiledRule(rule, message, fieldPath,
                            EVALUATOR.createProgram(EVALUATOR.compile(rule).getAst())));
                    ruleCount++;
                } catch (CelValidationException | CelEvaluationException e) {
                    problems.add(where + ": " + rule + " -> " + e.getMessage());
                }
            }
            rulesBySchemaNode.put(schema, compiled);
        }
        schema.path("properties").fields().forEachRemaining(p ->
                compileAll(p.getValue(), typeName + "." + p.getKey(), Violation.child(path, p.getKey()), problems));
        if (schema.has("items")) {
            compileAll(schema.get("items"), typeName + ".@items", path + "[*]", problems);
        }
        if (schema.path("additionalProperties").isObject()) {
            compileAll(schema.get("additionalProperties"), typeName + ".@value", path + ".*", problems);
        }
    }

    /** Whether a simple {@code .a.b} field path leads through declared properties of {@code schema}. */
    private static boolean namesAField(JsonNode schema, String fieldPath) {
        if (!fieldPath.matches("(\\.[A-Za-z_][A-Za-z0-9_]*)+")) {
            return false;
        }
        JsonNode node = schema;
        for (String name : fieldPath.substring(1).split("\\.")) {
            node = node.path("properties").path(name);
            if (node.isMissingNode()) {
                return false;
            }
        }
        return true;
    }

    private void walk(JsonNode schema, JsonNode data, String path, List<Violation> out) {
        if (data == null || data.isNull() || data.isMissingNode()) {
            return;
        }
        List<CompiledRule> rules = rulesBySchemaNode.get(schema);
        if (rules != null) {
            Object self = CelValues.of(schema, data);
            for (CompiledRule rule : rules) {
                evaluate(rule, self, path, out);
            }
        }
        if (data.isObject()) {
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            data.fields().forEachRemaining(field -> {
                JsonNode fieldSchema = properties.has(field.getKey()) ? properties.get(field.getKey()) : additional;
                if (fieldSchema.isObject()) {
                    walk(fieldSchema, field.getValue(), Violation.child(path, field.getKey()), out);
                }
            });
        } else if (data.isArray() && schema.has("items")) {
            for (int i = 0; i < data.size(); i++) {
                walk(schema.get("items"), data.get(i), Violation.element(path, i), out);
            }
        }
    }

    private static void evaluate(CompiledRule rule, Object self, String path, List<Violation> out) {
        try {
            Object result = rule.program().eval(Map.of("self", self));
            if (!Boolean.TRUE.equals(result)) {
                String at = rule.fieldPath().isEmpty() ? path
                        : path.isEmpty() ? rule.fieldPath().substring(1) : path + rule.fieldPath();
                out.add(new Violation(at, "cel", rule.message() != null ? rule.message() : "failed rule: " + rule.rule()));
            }
        } catch (CelEvaluationException e) {
            out.add(new Violation(path, "cel-error", "rule " + rule.rule() + " could not be evaluated: " + e.getMessage()));
        }
    }
}
