package dev.modelgate.api.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelgate.api.files.ProjectFiles;
import dev.modelgate.api.files.Yaml;

/** The CRDs committed under {@code crds/}, as validators keyed by kind; loaded once per test run. */
public final class CommittedCrds {

    public static final String TRUSTED_MODEL_FILE = "trustedmodels.modelgate.dev-v1.yml";
    public static final String MODEL_SOURCE_FILE = "modelsources.modelgate.dev-v1.yml";

    private static Map<String, CrdValidator> validators;

    private CommittedCrds() {
    }

    /** The parsed CRD document in {@code crds/<fileName>}. */
    public static JsonNode crd(String fileName) {
        try {
            return Yaml.readOne(ProjectFiles.crdsDir().resolve(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The validator for {@code kind} ({@code TrustedModel} or {@code ModelSource}). */
    public static synchronized CrdValidator validatorFor(String kind) {
        if (validators == null) {
            Map<String, CrdValidator> loaded = new LinkedHashMap<>();
            for (String file : new String[] {TRUSTED_MODEL_FILE, MODEL_SOURCE_FILE}) {
                JsonNode crd = crd(file);
                String crdKind = crd.path("spec").path("names").path("kind").asText();
                JsonNode schema = crd.path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema");
                loaded.put(crdKind, new CrdValidator(crdKind, schema));
            }
            validators = loaded;
        }
        CrdValidator validator = validators.get(kind);
        if (validator == null) {
            throw new IllegalArgumentException("no committed CRD for kind '" + kind + "' in " + ProjectFiles.crdsDir());
        }
        return validator;
    }

    /** Convenience for ad-hoc documents: validator by the document's own {@code kind}. */
    public static CrdValidator validatorFor(JsonNode document) {
        return validatorFor(document.path("kind").asText());
    }
}
