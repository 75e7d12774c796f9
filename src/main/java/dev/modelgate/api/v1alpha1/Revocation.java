package dev.modelgate.api.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Marks a model as revoked; its presence alone revokes the model. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Revocation {

    @JsonPropertyDescription("Why the model was revoked; shown in refusals, Events and PolicyReports.")
    @Required
    @Size(min = 1, max = 1024)
    private String reason;

    public Revocation() {
    }

    public Revocation(String reason) {
        this.reason = reason;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Revocation other && Objects.equals(reason, other.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(reason);
    }
}
