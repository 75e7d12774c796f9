package dev.modelgate.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The OCI registries a source trusts: models delivered as artifacts or images, pinned by manifest digest. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OciSourceSpec {

    /** Most repository prefixes one source may list (keeps the schema's validation cost bounded). */
    public static final int MAX_REPOSITORIES = 32;

    @JsonPropertyDescription("Trusted repository prefixes, e.g. ghcr.io/acme/models: a TrustedModel's "
            + "spec.oci.reference must lie in one of them (the same repository or one below it).")
    @Required
    @Size(min = 1, max = MAX_REPOSITORIES)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    private List<OciRepository> repositories = new ArrayList<>();

    public OciSourceSpec() {
    }

    public OciSourceSpec(List<OciRepository> repositories) {
        this.repositories = repositories;
    }

    public List<OciRepository> getRepositories() {
        return repositories;
    }

    public void setRepositories(List<OciRepository> repositories) {
        this.repositories = repositories;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OciSourceSpec other && Objects.equals(repositories, other.repositories);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(repositories);
    }
}
