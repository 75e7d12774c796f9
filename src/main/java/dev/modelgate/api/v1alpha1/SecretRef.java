package dev.modelgate.api.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A Secret named from a cluster-scoped resource: a name and, optionally, its namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretRef {

    @JsonPropertyDescription("Name of the Secret.")
    @Required
    @Pattern(ApiPatterns.DNS_SUBDOMAIN)
    @Size(max = 253)
    private String name;

    @JsonPropertyDescription("Namespace of the Secret; ModelGate's own namespace when omitted.")
    @Pattern(ApiPatterns.DNS_LABEL)
    @Size(max = 63)
    private String namespace;

    public SecretRef() {
    }

    public SecretRef(String name, String namespace) {
        this.name = name;
        this.namespace = namespace;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretRef other && Objects.equals(name, other.name)
                && Objects.equals(namespace, other.namespace);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, namespace);
    }
}
