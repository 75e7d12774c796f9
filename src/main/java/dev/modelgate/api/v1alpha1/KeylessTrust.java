package dev.modelgate.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Trust in Sigstore keyless signatures, verified offline against a trusted root. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KeylessTrust {

    @JsonPropertyDescription("Signer identities accepted; at least one, since any identity at all would trust "
            + "every Sigstore user.")
    @Required
    @Size(min = 1, max = 32)
    @JsonInclude(JsonInclude.Include.NON_EMPTY) // an empty list is the same as none
    private List<KeylessIdentity> identities = new ArrayList<>();

    @JsonPropertyDescription("Inline Sigstore trusted_root.json; when absent, the trusted root shipped with "
            + "ModelGate is used.")
    private String trustedRoot;

    public KeylessTrust() {
    }

    public List<KeylessIdentity> getIdentities() {
        return identities;
    }

    public void setIdentities(List<KeylessIdentity> identities) {
        this.identities = identities;
    }

    public String getTrustedRoot() {
        return trustedRoot;
    }

    public void setTrustedRoot(String trustedRoot) {
        this.trustedRoot = trustedRoot;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeylessTrust other
                && Objects.equals(identities, other.identities)
                && Objects.equals(trustedRoot, other.trustedRoot);
    }

    @Override
    public int hashCode() {
        return Objects.hash(identities, trustedRoot);
    }
}
