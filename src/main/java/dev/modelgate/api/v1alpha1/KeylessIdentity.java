package dev.modelgate.api.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A Sigstore keyless signer: the certificate's SAN and the OIDC issuer that vouched for it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KeylessIdentity {

    @JsonPropertyDescription("Exact subject alternative name of the Fulcio certificate, e.g. an e-mail address or "
            + "a CI workflow URI.")
    @Required
    @Size(min = 1, max = 1024)
    private String san;

    @JsonPropertyDescription("OIDC issuer URL recorded in the certificate, e.g. https://token.actions.githubusercontent.com.")
    @Required
    @Pattern(ApiPatterns.HTTPS_URL)
    @Size(max = 1024)
    private String issuer;

    public KeylessIdentity() {
    }

    public KeylessIdentity(String san, String issuer) {
        this.san = san;
        this.issuer = issuer;
    }

    public String getSan() {
        return san;
    }

    public void setSan(String san) {
        this.san = san;
    }

    public String getIssuer() {
        return issuer;
    }

    public void setIssuer(String issuer) {
        this.issuer = issuer;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeylessIdentity other
                && Objects.equals(san, other.san)
                && Objects.equals(issuer, other.issuer);
    }

    @Override
    public int hashCode() {
        return Objects.hash(san, issuer);
    }
}
