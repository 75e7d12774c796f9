package dev.modelgate.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;

/** What the operator last observed about a ModelSource. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelSourceStatus {

    @JsonPropertyDescription("metadata.generation this status was computed from.")
    @Min(0)
    private Long observedGeneration;

    @JsonPropertyDescription("Ready and ReviewDue; one entry per type.")
    @Size(max = 16)
    @ListMapKeys("type")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Keys that are neither revoked nor outside their validity window.")
    @Min(0)
    private Integer validKeys;

    @JsonPropertyDescription("Keys marked revoked.")
    @Min(0)
    private Integer revokedKeys;

    @JsonPropertyDescription("Keys whose notAfter has passed.")
    @Min(0)
    private Integer expiredKeys;

    @JsonPropertyDescription("Number of TrustedModels, in all namespaces, that name this source.")
    @Min(0)
    private Integer models;

    public ModelSourceStatus() {
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

    public Integer getValidKeys() {
        return validKeys;
    }

    public void setValidKeys(Integer validKeys) {
        this.validKeys = validKeys;
    }

    public Integer getRevokedKeys() {
        return revokedKeys;
    }

    public void setRevokedKeys(Integer revokedKeys) {
        this.revokedKeys = revokedKeys;
    }

    public Integer getExpiredKeys() {
        return expiredKeys;
    }

    public void setExpiredKeys(Integer expiredKeys) {
        this.expiredKeys = expiredKeys;
    }

    public Integer getModels() {
        return models;
    }

    public void setModels(Integer models) {
        this.models = models;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSourceStatus other
                && Objects.equals(observedGeneration, other.observedGeneration)
                && Objects.equals(conditions, other.conditions)
                && Objects.equals(validKeys, other.validKeys)
                && Objects.equals(revokedKeys, other.revokedKeys)
                && Objects.equals(expiredKeys, other.expiredKeys)
                && Objects.equals(models, other.models);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, conditions, validKeys, revokedKeys, expiredKeys, models);
    }
}
