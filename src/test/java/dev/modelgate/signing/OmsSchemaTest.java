package dev.modelgate.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import dev.modelgate.testing.SharedFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ModelGate writes validates against the OMS v1.0 JSON Schemas (spec 3.1: producers SHOULD validate), with
 * one documented exception: shard resources carry model_signing's {@code sha256-sharded-N} algorithm, which the
 * schema's enum does not list, because model_signing compares that name when it verifies.
 */
class OmsSchemaTest {

    static final Path SCHEMAS = Path.of("../shared/vectors/oms/ossf-model-signing-spec/schemas/v1.0");
    static final Path SPEC_VECTORS = Path.of("../shared/vectors/oms/ossf-model-signing-spec/test-vectors/v1.0");
    static JsonSchemaFactory factory;

    @TempDir
    Path tmp;

    @BeforeEach
    void schemas() {
        SharedFiles.require(SCHEMAS, "OMS schema tests");
        Map<String, String> map = new HashMap<>();
        for (String s : List.of("bundle", "envelope", "statement", "predicate")) {
            map.put("https://model_signing/" + s + "/v1.0/schema",
                    SCHEMAS.toAbsolutePath().normalize().resolve(s + ".schema.json").toUri().toString());
        }
        factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                b -> b.schemaMappers(m -> m.mappings(map)));
    }

    static Set<String> problems(String schema, JsonNode doc) {
        JsonSchema s = factory.getSchema(SchemaLocation.of("https://model_signing/" + schema + "/v1.0/schema"));
        return s.validate(doc).stream().map(ValidationMessage::getMessage).collect(Collectors.toSet());
    }

    @Test
    void theSchemasAcceptTheSpecVectorAndRejectItsInvalidOnes() throws Exception {
        JsonNode valid = OmsKit.readJson(SPEC_VECTORS.resolve("valid/key.bundle.json"));
        assertEquals(Set.of(), problems("bundle", valid));
        assertEquals(Set.of(), problems("statement", OmsKit.payload((com.fasterxml.jackson.databind.node.ObjectNode) valid)));
        assertFalse(problems("bundle", OmsKit.readJson(SPEC_VECTORS.resolve("invalid/missing-envelope.bundle.json")))
                .isEmpty());
    }

    @Test
    void aFilesBundleWeWriteIsSchemaValid() throws Exception {
        Path dir = OmsKit.model(tmp.resolve("m"));
        Path bundle = OmsKit.sign(dir, OmsKit.key(EcKeys.Curve.P256).getPrivate());
        var json = OmsKit.readJson(bundle);
        assertEquals(Set.of(), problems("bundle", json));
        assertEquals(Set.of(), problems("statement", OmsKit.payload(json)));
    }

    @Test
    void aShardsBundleDiffersOnlyInTheShardAlgorithmName() throws Exception {
        Path dir = OmsKit.model(tmp.resolve("m"));
        Path bundle = OmsKit.sign(dir, OmsKit.key(EcKeys.Curve.P256).getPrivate(), OmsSigner.Options.shards(4096));
        var json = OmsKit.readJson(bundle);
        assertEquals(Set.of(), problems("bundle", json));
        Set<String> p = problems("statement", OmsKit.payload(json));
        assertFalse(p.isEmpty());
        assertTrue(p.stream().allMatch(m -> m.contains("algorithm") && m.contains("enum")), p::toString);
    }
}
