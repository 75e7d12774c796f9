package dev.modelgate.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Who may sign models from a source, and whether a signature is mandatory. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.required) || !self.required"
        + " || (has(self.keys) && size(self.keys) > 0) || has(self.certificates) || has(self.keyless)",
        message = "signing.required needs at least one of keys, certificates or keyless to verify signatures with")
public class SigningSpec {

    @JsonPropertyDescription("When true, every model from this source must carry a valid signature.")
    @Default("false")
    private Boolean required;

    @JsonPropertyDescription("Public keys that may sign models (key-based OpenSSF Model Signing bundles). "
            + "Names must be unique.")
    @Size(max = 32)
    @JsonInclude(JsonInclude.Include.NON_EMPTY) // an empty list is the same as none
    @ListMapKeys("name")
    private List<SigningKey> keys = new ArrayList<>();

    @JsonPropertyDescription("Trust in certificate-chain signatures.")
    private CertificateTrust certificates;

    @JsonPropertyDescription("Trust in Sigstore keyless signatures.")
    private KeylessTrust keyless;

    public SigningSpec() {
    }

    public Boolean getRequired() {
        return required;
    }

    public void setRequired(Boolean required) {
        this.required = required;
    }

    /** True when {@code required} is set to true (absent means false). */
    public boolean signatureRequired() {
        return Boolean.TRUE.equals(required);
    }

    public List<SigningKey> getKeys() {
        return keys;
    }

    public void setKeys(List<SigningKey> keys) {
        this.keys = keys;
    }

    public CertificateTrust getCertificates() {
        return certificates;
    }

    public void setCertificates(CertificateTrust certificates) {
        this.certificates = certificates;
    }

    public KeylessTrust getKeyless() {
        return keyless;
    }

    public void setKeyless(KeylessTrust keyless) {
        this.keyless = keyless;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigningSpec other
                && Objects.equals(required, other.required)
                && Objects.equals(keys, other.keys)
                && Objects.equals(certificates, other.certificates)
                && Objects.equals(keyless, other.keyless);
    }

    @Override
    public int hashCode() {
        return Objects.hash(required, keys, certificates, keyless);
    }
}
