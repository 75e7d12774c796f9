package dev.modelgate.api.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The OCI artifact (or image) a model is delivered as; its files are still listed in spec.files. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OciArtifactSpec {

    /** Longest reference: a 255-character repository, '@sha256:' and 64 hex digits, with room to spare. */
    public static final int MAX_REFERENCE_LENGTH = 512;

    @JsonPropertyDescription("registry/repository@sha256:<manifest digest>. A digest is mandatory and a tag is "
            + "refused: tags move. Must lie under one of the source's spec.oci.repositories.")
    @Required
    @Pattern(ApiPatterns.OCI_DIGEST_REFERENCE)
    @Size(max = MAX_REFERENCE_LENGTH)
    private String reference;

    public OciArtifactSpec() {
    }

    public OciArtifactSpec(String reference) {
        this.reference = reference;
    }

    public String getReference() {
        return reference;
    }

    public void setReference(String reference) {
        this.reference = reference;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OciArtifactSpec other && Objects.equals(reference, other.reference);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(reference);
    }
}
