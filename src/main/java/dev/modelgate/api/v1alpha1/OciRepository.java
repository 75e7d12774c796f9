package dev.modelgate.api.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One trusted repository prefix, with the registry's CA and pull credentials when it needs them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OciRepository {

    /** Longest prefix: a registry host and port plus a repository path, as registries accept them. */
    public static final int MAX_PREFIX_LENGTH = 255;

    @JsonPropertyDescription("Registry host (with port when not 443) and optional repository path, without a "
            + "scheme, tag or digest, e.g. ghcr.io/acme/models. Matches that repository and those below it.")
    @Required
    @Pattern(ApiPatterns.OCI_REPOSITORY_PREFIX)
    @Size(max = MAX_PREFIX_LENGTH)
    private String prefix;

    @JsonPropertyDescription("PEM bundle of CA certificates; when set, this registry is trusted only through "
            + "these CAs instead of the system trust store.")
    @Pattern(ApiPatterns.PEM_CERTIFICATE)
    @Size(max = 262144)
    private String caBundle;

    @JsonPropertyDescription("Secret of type kubernetes.io/dockerconfigjson holding pull credentials for this "
            + "registry (a docker config.json).")
    private SecretRef pullSecret;

    public OciRepository() {
    }

    public OciRepository(String prefix) {
        this.prefix = prefix;
    }

    public String getPrefix() {
        return prefix;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }

    public String getCaBundle() {
        return caBundle;
    }

    public void setCaBundle(String caBundle) {
        this.caBundle = caBundle;
    }

    public SecretRef getPullSecret() {
        return pullSecret;
    }

    public void setPullSecret(SecretRef pullSecret) {
        this.pullSecret = pullSecret;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OciRepository other && Objects.equals(prefix, other.prefix)
                && Objects.equals(caBundle, other.caBundle) && Objects.equals(pullSecret, other.pullSecret);
    }

    @Override
    public int hashCode() {
        return Objects.hash(prefix, caBundle, pullSecret);
    }
}
