package dev.modelgate.api.schema;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;

import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;

/**
 * The CEL type of each schema node, derived as the API server derives it when it compiles a CRD's rules:
 * objects with properties are structs (selecting an undeclared field is a compile error), arrays are lists,
 * {@code additionalProperties} objects are maps, {@code date} and {@code date-time} strings are timestamps.
 */
final class CelTypes implements CelTypeProvider {

    private final Map<String, CelType> structs = new LinkedHashMap<>();

    /** The type of values of {@code schema}; {@code name} names the struct types it creates. */
    CelType typeOf(JsonNode schema, String name) {
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            return SimpleType.DYN;
        }
        return switch (schema.path("type").asText("")) {
            case "object" -> objectType(schema, name);
            case "array" -> ListType.create(typeOf(schema.path("items"), name + ".@items"));
            case "string" -> switch (schema.path("format").asText("")) {
                case "date", "date-time" -> SimpleType.TIMESTAMP;
                case "duration" -> SimpleType.DURATION;
                case "byte" -> SimpleType.BYTES;
                default -> SimpleType.STRING;
            };
            case "integer" -> SimpleType.INT;
            case "number" -> SimpleType.DOUBLE;
            case "boolean" -> SimpleType.BOOL;
            default -> SimpleType.DYN;
        };
    }

    private CelType objectType(JsonNode schema, String name) {
        if (schema.has("properties")) {
            Map<String, CelType> fields = new LinkedHashMap<>();
            schema.get("properties").fields()
                    .forEachRemaining(p -> fields.put(p.getKey(), typeOf(p.getValue(), name + "." + p.getKey())));
            StructType struct = StructType.create(name, ImmutableSet.copyOf(fields.keySet()),
                    field -> Optional.ofNullable(fields.get(field)));
            structs.put(name, struct);
            return struct;
        }
        JsonNode additional = schema.path("additionalProperties");
        if (additional.isObject()) {
            return MapType.create(SimpleType.STRING, typeOf(additional, name + ".@value"));
        }
        return SimpleType.DYN;
    }

    @Override
    public ImmutableCollection<CelType> types() {
        return ImmutableList.copyOf((Collection<CelType>) structs.values());
    }

    @Override
    public Optional<CelType> findType(String typeName) {
        return Optional.ofNullable(structs.get(typeName));
    }
}
