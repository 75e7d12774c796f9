package dev.modelgate.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A trusted origin of models: where they may be downloaded from and who may sign them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.urls) || has(self.oci)", fieldPath = ".urls", reason = "FieldValueRequired",
        message = "a source needs spec.urls (https download prefixes) or spec.oci.repositories (registry prefixes)")
public class ModelSourceSpec {

    @JsonPropertyDescription("What this source is, for people reading it.")
    @Size(max = 1024)
    private String description;

    @JsonPropertyDescription("Allowed download URL prefixes; https:// only. A file url of a TrustedModel must start "
            + "with one of them. Required unless the source lists spec.oci.repositories.")
    @Size(min = 1, max = 64)
    @JsonInclude(JsonInclude.Include.NON_EMPTY) // an empty list is the same as none
    private List<@Pattern(ApiPatterns.HTTPS_URL) @Size(max = 2048) String> urls = new ArrayList<>();

    @JsonPropertyDescription("Trusted OCI registries and repositories, for models delivered as artifacts.")
    private OciSourceSpec oci;

    @JsonPropertyDescription("TLS settings for downloads from this source.")
    private TlsSpec tls;

    @JsonPropertyDescription("Signature requirements and the keys, certificates and identities trusted to sign.")
    private SigningSpec signing;

    @JsonPropertyDescription("Review schedule of this source's approval.")
    private ReviewSpec review;

    public ModelSourceSpec() {
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public List<String> getUrls() {
        return urls;
    }

    public void setUrls(List<String> urls) {
        this.urls = urls;
    }

    public OciSourceSpec getOci() {
        return oci;
    }

    public void setOci(OciSourceSpec oci) {
        this.oci = oci;
    }

    public TlsSpec getTls() {
        return tls;
    }

    public void setTls(TlsSpec tls) {
        this.tls = tls;
    }

    public SigningSpec getSigning() {
        return signing;
    }

    public void setSigning(SigningSpec signing) {
        this.signing = signing;
    }

    public ReviewSpec getReview() {
        return review;
    }

    public void setReview(ReviewSpec review) {
        this.review = review;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSourceSpec other
                && Objects.equals(description, other.description)
                && Objects.equals(urls, other.urls)
                && Objects.equals(oci, other.oci)
                && Objects.equals(tls, other.tls)
                && Objects.equals(signing, other.signing)
                && Objects.equals(review, other.review);
    }

    @Override
    public int hashCode() {
        return Objects.hash(description, urls, oci, tls, signing, review);
    }
}
