package dev.modelgate.api.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** TLS settings for downloads from a source. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TlsSpec {

    @JsonPropertyDescription("PEM bundle of CA certificates; when set, downloads from this source trust only these "
            + "CAs instead of the system trust store.")
    @Pattern(ApiPatterns.PEM_CERTIFICATE)
    @Size(max = 262144)
    private String caBundle;

    public TlsSpec() {
    }

    public TlsSpec(String caBundle) {
        this.caBundle = caBundle;
    }

    public String getCaBundle() {
        return caBundle;
    }

    public void setCaBundle(String caBundle) {
        this.caBundle = caBundle;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsSpec other && Objects.equals(caBundle, other.caBundle);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(caBundle);
    }
}
