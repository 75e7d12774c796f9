package dev.modelgate.api.v1alpha1;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One aspect of a resource's state, shaped like Kubernetes' metav1.Condition. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    @JsonPropertyDescription("Condition type: Ready, SourceTrusted, ReviewDue, Revoked or ArtifactAvailable.")
    @Required
    @Pattern(ApiPatterns.CONDITION_TYPE)
    @Size(max = 316)
    private String type;

    @JsonPropertyDescription("True, False or Unknown.")
    @Required
    @Pattern(ApiPatterns.CONDITION_STATUS)
    private String status;

    @JsonPropertyDescription("Machine-readable CamelCase cause of the last transition.")
    @Required
    @Pattern(ApiPatterns.CONDITION_REASON)
    @Size(max = 1024)
    private String reason;

    @JsonPropertyDescription("Human-readable detail: what is wrong and how to fix it.")
    @Size(max = 32768)
    private String message;

    @JsonPropertyDescription("When status last changed (RFC 3339).")
    @Required
    @JsonSerialize(using = SchemaFormat.DateTime.class)
    private String lastTransitionTime;

    @JsonPropertyDescription("metadata.generation the condition was computed from.")
    @Min(0)
    private Long observedGeneration;

    public Condition() {
    }

    public Condition(String type, String status, String reason, String message, String lastTransitionTime,
            Long observedGeneration) {
        this.type = type;
        this.status = status;
        this.reason = reason;
        this.message = message;
        this.lastTransitionTime = lastTransitionTime;
        this.observedGeneration = observedGeneration;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public String getLastTransitionTime() {
        return lastTransitionTime;
    }

    public void setLastTransitionTime(String lastTransitionTime) {
        this.lastTransitionTime = lastTransitionTime;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    /** The condition of the given type in {@code conditions}, if any ({@code conditions} may be null). */
    public static Optional<Condition> find(List<Condition> conditions, String type) {
        if (conditions == null) {
            return Optional.empty();
        }
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Condition other
                && Objects.equals(type, other.type)
                && Objects.equals(status, other.status)
                && Objects.equals(reason, other.reason)
                && Objects.equals(message, other.message)
                && Objects.equals(lastTransitionTime, other.lastTransitionTime)
                && Objects.equals(observedGeneration, other.observedGeneration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, status, reason, message, lastTransitionTime, observedGeneration);
    }

    @Override
    public String toString() {
        return type + "=" + status + " (" + reason + (message == null ? "" : ": " + message) + ")";
    }
}
