package dev.modelgate.api.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenAPI schemas of the committed CRDs ({@code crds/}, packaged at {@code dev/modelgate/crds/}), so the
 * CLI refuses what {@code kubectl apply} would: patterns, formats, enums, bounds, required and unknown fields.
 * The CRDs' CEL rules are not evaluated here; the policy code checks what they protect (see docs/resources.md).
 */
public final class CrdSchemas {

    private static final Map<String, String> FILES = Map.of(
            "TrustedModel", "trustedmodels.modelgate.dev-v1.yml",
            "ModelSource", "modelsources.modelgate.dev-v1.yml");
    private static final Map<String, OpenApiValidator> VALIDATORS = new ConcurrentHashMap<>();

    private CrdSchemas() {
    }

    /** Every schema violation of {@code object}, a {@code TrustedModel} or {@code ModelSource}; empty when valid. */
    public static List<Violation> validate(String kind, JsonNode object) {
        return VALIDATORS.computeIfAbsent(kind, CrdSchemas::load).validate(object);
    }

    private static OpenApiValidator load(String kind) {
        String file = FILES.get(kind);
        if (file == null) {
            throw new IllegalArgumentException("no CRD for kind " + kind);
        }
        try (InputStream in = CrdSchemas.class.getResourceAsStream("/dev/modelgate/crds/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the CRD " + file + " is missing from the build");
            }
            JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(in);
            return new OpenApiValidator(crd.path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CRD " + file + ": " + e.getMessage(), e);
        }
    }
}
