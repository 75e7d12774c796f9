package dev.modelgate.api.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A signer identity allowed for certificate-chain signatures; every field given must match. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.subject) || has(self.san)",
        message = "a certificate identity needs subject or san")
public class CertificateIdentity {

    @JsonPropertyDescription("Exact subject distinguished name of the signing certificate, e.g. CN=ml-release,O=Example.")
    @Size(min = 1, max = 1024)
    private String subject;

    @JsonPropertyDescription("A subject alternative name the signing certificate must carry (e-mail, URI or DNS name).")
    @Size(min = 1, max = 1024)
    private String san;

    public CertificateIdentity() {
    }

    public CertificateIdentity(String subject, String san) {
        this.subject = subject;
        this.san = san;
    }

    public String getSubject() {
        return subject;
    }

    public void setSubject(String subject) {
        this.subject = subject;
    }

    public String getSan() {
        return san;
    }

    public void setSan(String san) {
        this.san = san;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CertificateIdentity other
                && Objects.equals(subject, other.subject)
                && Objects.equals(san, other.san);
    }

    @Override
    public int hashCode() {
        return Objects.hash(subject, san);
    }
}
