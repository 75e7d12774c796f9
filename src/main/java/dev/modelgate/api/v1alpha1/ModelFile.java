package dev.modelgate.api.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import dev.modelgate.integrity.ModelPath;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One file of an approved model: where it lies on the volume and the exact bytes it must hold. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelFile {

    @JsonPropertyDescription("Path relative to the model volume's root: POSIX separators, no leading '/', "
            + "no '.', '..' or empty segments, no backslashes or control characters.")
    @Required
    @Pattern(ModelPath.PATTERN)
    @Size(max = ModelPath.MAX_LENGTH)
    private String path;

    @JsonPropertyDescription("SHA-256 of the file's bytes: 64 lower-case hex characters.")
    @Required
    @Pattern(ModelPath.SHA256_PATTERN)
    private String sha256;

    @JsonPropertyDescription("Size of the file in bytes.")
    @Required
    @Min(0)
    private long size;

    @JsonPropertyDescription("Optional https:// URL the verifier downloads the file from when it is missing; "
            + "must start with one of the source's urls.")
    @Pattern(ApiPatterns.HTTPS_URL)
    @Size(max = 2048)
    private String url;

    public ModelFile() {
    }

    public ModelFile(String path, String sha256, long size) {
        this.path = path;
        this.sha256 = sha256;
        this.size = size;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public String getSha256() {
        return sha256;
    }

    public void setSha256(String sha256) {
        this.sha256 = sha256;
    }

    public long getSize() {
        return size;
    }

    public void setSize(long size) {
        this.size = size;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelFile other
                && size == other.size
                && Objects.equals(path, other.path)
                && Objects.equals(sha256, other.sha256)
                && Objects.equals(url, other.url);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, sha256, size, url);
    }

    @Override
    public String toString() {
        return path + " (" + size + " bytes, sha256 " + sha256 + ")";
    }
}
