package dev.modelgate.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Trust in X.509 certificate-chain signatures: CA roots and, optionally, the identities allowed to sign. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CertificateTrust {

    @JsonPropertyDescription("PEM bundle of one or more CA certificates the signing certificate must chain to.")
    @Required
    @Pattern(ApiPatterns.PEM_CERTIFICATE)
    @Size(max = 262144)
    private String roots;

    @JsonPropertyDescription("Signer identities accepted under these roots; empty accepts any certificate they issued.")
    @Size(max = 32)
    @JsonInclude(JsonInclude.Include.NON_EMPTY) // an empty list is the same as none
    private List<CertificateIdentity> identities = new ArrayList<>();

    public CertificateTrust() {
    }

    public String getRoots() {
        return roots;
    }

    public void setRoots(String roots) {
        this.roots = roots;
    }

    public List<CertificateIdentity> getIdentities() {
        return identities;
    }

    public void setIdentities(List<CertificateIdentity> identities) {
        this.identities = identities;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CertificateTrust other
                && Objects.equals(roots, other.roots)
                && Objects.equals(identities, other.identities);
    }

    @Override
    public int hashCode() {
        return Objects.hash(roots, identities);
    }
}
