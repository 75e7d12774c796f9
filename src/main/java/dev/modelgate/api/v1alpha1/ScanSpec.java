package dev.modelgate.api.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;

/** How the verifier treats static-scan findings for this model. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScanSpec {

    @JsonPropertyDescription("enforce (default): a CRITICAL or HIGH finding fails the pod; "
            + "warn: findings are reported only; off: files are not scanned.")
    @Default("enforce")
    private ScanPolicy policy;

    public ScanSpec() {
    }

    public ScanSpec(ScanPolicy policy) {
        this.policy = policy;
    }

    public ScanPolicy getPolicy() {
        return policy;
    }

    public void setPolicy(ScanPolicy policy) {
        this.policy = policy;
    }

    /** The policy, or {@link ScanPolicy#ENFORCE} when none was given. */
    public ScanPolicy policyOrDefault() {
        return policy == null ? ScanPolicy.ENFORCE : policy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScanSpec other && policy == other.policy;
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(policy);
    }
}
