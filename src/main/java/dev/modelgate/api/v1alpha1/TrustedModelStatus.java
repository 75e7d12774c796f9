package dev.modelgate.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;

/** What the operator last observed about a TrustedModel. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrustedModelStatus {

    @JsonPropertyDescription("metadata.generation this status was computed from.")
    @Min(0)
    private Long observedGeneration;

    @JsonPropertyDescription("Ready, SourceTrusted, ReviewDue, Revoked and, for OCI models, ArtifactAvailable (informational, never part of Ready); one entry per type.")
    @Size(max = 16)
    @ListMapKeys("type")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Digest of the canonical file manifest (paths, sizes, SHA-256s) the verifier checks against.")
    @Size(max = 128)
    private String manifestDigest;

    @JsonPropertyDescription("Number of files in spec.files.")
    @Min(0)
    private Integer fileCount;

    @JsonPropertyDescription("Number of running pods that use this model.")
    @Min(0)
    private Integer pods;

    @JsonPropertyDescription("The model's reviewed scan exceptions (spec.scan.allowGlobals, spec.scan.allowCode) "
            + "as a count, e.g. '2 allowed globals, 1 reviewed code file'; absent when there are none.")
    @Size(max = 128)
    private String scanExceptions;

    @JsonPropertyDescription("The most recent verification failure reported for this model.")
    private VerificationFailure lastVerificationFailure;

    public TrustedModelStatus() {
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public String getManifestDigest() {
        return manifestDigest;
    }

    public void setManifestDigest(String manifestDigest) {
        this.manifestDigest = manifestDigest;
    }

    public Integer getFileCount() {
        return fileCount;
    }

    public void setFileCount(Integer fileCount) {
        this.fileCount = fileCount;
    }

    public Integer getPods() {
        return pods;
    }

    public void setPods(Integer pods) {
        this.pods = pods;
    }

    public String getScanExceptions() {
        return scanExceptions;
    }

    public void setScanExceptions(String scanExceptions) {
        this.scanExceptions = scanExceptions;
    }

    public VerificationFailure getLastVerificationFailure() {
        return lastVerificationFailure;
    }

    public void setLastVerificationFailure(VerificationFailure lastVerificationFailure) {
        this.lastVerificationFailure = lastVerificationFailure;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedModelStatus other
                && Objects.equals(observedGeneration, other.observedGeneration)
                && Objects.equals(conditions, other.conditions)
                && Objects.equals(manifestDigest, other.manifestDigest)
                && Objects.equals(fileCount, other.fileCount)
                && Objects.equals(pods, other.pods)
                && Objects.equals(scanExceptions, other.scanExceptions)
                && Objects.equals(lastVerificationFailure, other.lastVerificationFailure);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, conditions, manifestDigest, fileCount, pods, scanExceptions,
                lastVerificationFailure);
    }
}
