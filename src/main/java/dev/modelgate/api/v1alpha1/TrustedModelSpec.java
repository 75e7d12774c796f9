package dev.modelgate.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One approved model: its origin and the exact files it consists of. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrustedModelSpec {

    /**
     * Most files one TrustedModel may list. Paths are unique by the list's map key ({@code path}), which the
     * API server checks without CEL; the bound keeps the worst-case object (paths of 4096 and urls of 2048
     * characters) well under etcd's 1.5 MiB request limit. Larger models are split over several
     * TrustedModels; a pod may name several.
     */
    public static final int MAX_FILES = 128;

    @JsonPropertyDescription("Name of the cluster-scoped ModelSource this model comes from.")
    @Required
    @Pattern(ApiPatterns.DNS_SUBDOMAIN)
    @Size(max = 253)
    private String source;

    @JsonPropertyDescription("Every file of the model, each pinned by path, size and SHA-256. "
            + "Paths must be unique.")
    @Required
    @Size(min = 1, max = MAX_FILES)
    @JsonInclude(JsonInclude.Include.NON_EMPTY) // an empty list is the same as none
    @ListMapKeys("path")
    private List<ModelFile> files = new ArrayList<>();

    @JsonPropertyDescription("Where the model's signature bundle lies; needed when the source requires signing.")
    private SignatureSpec signature;

    @JsonPropertyDescription("How static-scan findings are treated.")
    private ScanSpec scan;

    @JsonPropertyDescription("Review schedule of this approval.")
    private ReviewSpec review;

    @JsonPropertyDescription("Set to revoke the model: pods naming it are refused and running ones are reported.")
    private Revocation revoked;

    public TrustedModelSpec() {
    }

    public String getSource() {
        return source;
    }

    public void setSource(String source) {
        this.source = source;
    }

    public List<ModelFile> getFiles() {
        return files;
    }

    public void setFiles(List<ModelFile> files) {
        this.files = files;
    }

    public SignatureSpec getSignature() {
        return signature;
    }

    public void setSignature(SignatureSpec signature) {
        this.signature = signature;
    }

    public ScanSpec getScan() {
        return scan;
    }

    public void setScan(ScanSpec scan) {
        this.scan = scan;
    }

    public ReviewSpec getReview() {
        return review;
    }

    public void setReview(ReviewSpec review) {
        this.review = review;
    }

    public Revocation getRevoked() {
        return revoked;
    }

    public void setRevoked(Revocation revoked) {
        this.revoked = revoked;
    }

    /** True when {@code spec.revoked} is present (not a bean getter, so it stays out of the schema). */
    public boolean hasRevocation() {
        return revoked != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedModelSpec other
                && Objects.equals(source, other.source)
                && Objects.equals(files, other.files)
                && Objects.equals(signature, other.signature)
                && Objects.equals(scan, other.scan)
                && Objects.equals(review, other.review)
                && Objects.equals(revoked, other.revoked);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, files, signature, scan, review, revoked);
    }
}
