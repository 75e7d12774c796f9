package dev.modelgate.api.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Validates an object against one CRD version's schema as the API server does on create: defaults first,
 * then the OpenAPI schema and list-map keys, then the CEL rules.
 *
 * <p>Like the API server, CEL rules are skipped when the schema already found a wrong type or a value outside
 * an enum, since the rules would see data of the wrong shape; the object is invalid either way.
 */
public final class CrdValidator {

    /** Schema keywords whose failure stops CEL evaluation (the API server's TypeInvalid and NotSupported). */
    private static final Set<String> BLOCKING_RULES = Set.of("type", "enum");

    private final String kind;
    private final JsonNode openApiV3Schema;
    private final OpenApiValidator openApi;
    private final ListMapValidator listMaps;
    private final CelRuleValidator cel;

    CrdValidator(String kind, JsonNode openApiV3Schema) {
        this.kind = kind;
        this.openApiV3Schema = openApiV3Schema;
        this.openApi = new OpenApiValidator(openApiV3Schema);
        this.listMaps = new ListMapValidator(openApiV3Schema);
        this.cel = new CelRuleValidator(openApiV3Schema, kind);
    }

    public String kind() {
        return kind;
    }

    /** The schema this validator applies (the committed CRD's {@code openAPIV3Schema}). */
    public JsonNode schema() {
        return openApiV3Schema;
    }

    /** Number of CEL rules in the schema, all of which compiled and type-checked. */
    public int celRuleCount() {
        return cel.ruleCount();
    }

    /** Every reason the API server would refuse {@code object}; empty when it would accept it. */
    public List<Violation> validate(JsonNode object) {
        JsonNode defaulted = SchemaDefaulter.withDefaults(openApiV3Schema, object);
        List<Violation> violations = new ArrayList<>(openApi.validate(defaulted));
        violations.addAll(listMaps.validate(defaulted));
        boolean blocked = violations.stream().anyMatch(v -> BLOCKING_RULES.contains(v.rule()));
        if (!blocked) {
            violations.addAll(cel.validate(defaulted));
        }
        return violations;
    }
}
