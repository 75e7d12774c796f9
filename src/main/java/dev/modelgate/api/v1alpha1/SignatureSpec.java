package dev.modelgate.api.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import dev.modelgate.integrity.ModelPath;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Where the model's detached signature (an OpenSSF Model Signing bundle) lies on the volume. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SignatureSpec {

    /** The bundle name the model_signing tool writes by default. */
    public static final String DEFAULT_BUNDLE_PATH = "model.sig";

    @JsonPropertyDescription("Path of the signature bundle relative to the volume root, same rules as file paths. "
            + "Defaults to model.sig.")
    @Default(DEFAULT_BUNDLE_PATH)
    @Pattern(ModelPath.PATTERN)
    @Size(max = ModelPath.MAX_LENGTH)
    private String bundlePath;

    public SignatureSpec() {
    }

    public SignatureSpec(String bundlePath) {
        this.bundlePath = bundlePath;
    }

    public String getBundlePath() {
        return bundlePath;
    }

    public void setBundlePath(String bundlePath) {
        this.bundlePath = bundlePath;
    }

    /** The bundle path, or {@link #DEFAULT_BUNDLE_PATH} when the API server has not defaulted it yet. */
    public String bundlePathOrDefault() {
        return bundlePath == null ? DEFAULT_BUNDLE_PATH : bundlePath;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignatureSpec other && Objects.equals(bundlePath, other.bundlePath);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(bundlePath);
    }
}
