package dev.modelgate.api.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A public key that may sign models from a source. Rotation: add the new key, later revoke or expire the
 * old one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.revoked) || !self.revoked || (has(self.reason) && size(self.reason) > 0)",
        fieldPath = ".reason", reason = "FieldValueRequired", message = "a revoked key needs a reason")
@ValidationRule(value = "!has(self.notBefore) || !has(self.notAfter) || self.notBefore < self.notAfter",
        message = "notBefore must be earlier than notAfter")
public class SigningKey {

    @JsonPropertyDescription("Name of the key, unique within the source (lower-case letters, digits and '-').")
    @Required
    @Pattern(ApiPatterns.DNS_LABEL)
    @Size(max = 63)
    private String name;

    @JsonPropertyDescription("PEM-encoded public key (BEGIN PUBLIC KEY): ECDSA P-256, P-384 or P-521.")
    @Required
    @Pattern(ApiPatterns.PEM_PUBLIC_KEY)
    @Size(max = 16384)
    private String publicKey;

    @JsonPropertyDescription("Signatures made before this time (RFC 3339) are not accepted.")
    @JsonSerialize(using = SchemaFormat.DateTime.class)
    private String notBefore;

    @JsonPropertyDescription("Signatures are not accepted after this time (RFC 3339).")
    @JsonSerialize(using = SchemaFormat.DateTime.class)
    private String notAfter;

    @JsonPropertyDescription("True when the key must no longer be trusted; needs a reason.")
    private Boolean revoked;

    @JsonPropertyDescription("Why the key was revoked.")
    @Size(max = 1024)
    private String reason;

    public SigningKey() {
    }

    public SigningKey(String name, String publicKey) {
        this.name = name;
        this.publicKey = publicKey;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getPublicKey() {
        return publicKey;
    }

    public void setPublicKey(String publicKey) {
        this.publicKey = publicKey;
    }

    public String getNotBefore() {
        return notBefore;
    }

    public void setNotBefore(String notBefore) {
        this.notBefore = notBefore;
    }

    public String getNotAfter() {
        return notAfter;
    }

    public void setNotAfter(String notAfter) {
        this.notAfter = notAfter;
    }

    public Boolean getRevoked() {
        return revoked;
    }

    public void setRevoked(Boolean revoked) {
        this.revoked = revoked;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    /** True when {@code revoked} is set to true (absent means not revoked). */
    public boolean revokedKey() {
        return Boolean.TRUE.equals(revoked);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigningKey other
                && Objects.equals(name, other.name)
                && Objects.equals(publicKey, other.publicKey)
                && Objects.equals(notBefore, other.notBefore)
                && Objects.equals(notAfter, other.notAfter)
                && Objects.equals(revoked, other.revoked)
                && Objects.equals(reason, other.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, publicKey, notBefore, notAfter, revoked, reason);
    }

    @Override
    public String toString() {
        return "SigningKey " + name + (revokedKey() ? " (revoked)" : "");
    }
}
