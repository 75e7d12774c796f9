package dev.modelgate.api.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import io.fabric8.generator.annotation.Size;

/** The most recent failed verification of a model in some pod, as reported by the verifier. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VerificationFailure {

    @JsonPropertyDescription("When the verifier reported the failure (RFC 3339).")
    @JsonSerialize(using = SchemaFormat.DateTime.class)
    private String time;

    @JsonPropertyDescription("Name of the pod whose verifier failed.")
    @Size(max = 253)
    private String pod;

    @JsonPropertyDescription("Namespace of that pod.")
    @Size(max = 63)
    private String namespace;

    @JsonPropertyDescription("Machine-readable cause, e.g. DigestMismatch, MissingFile, ScanFinding, BadSignature.")
    @Size(max = 1024)
    private String reason;

    @JsonPropertyDescription("The verifier's message: which file and what was wrong.")
    @Size(max = 32768)
    private String message;

    public VerificationFailure() {
    }

    public String getTime() {
        return time;
    }

    public void setTime(String time) {
        this.time = time;
    }

    public String getPod() {
        return pod;
    }

    public void setPod(String pod) {
        this.pod = pod;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
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

    @Override
    public boolean equals(Object o) {
        return o instanceof VerificationFailure other
                && Objects.equals(time, other.time)
                && Objects.equals(pod, other.pod)
                && Objects.equals(namespace, other.namespace)
                && Objects.equals(reason, other.reason)
                && Objects.equals(message, other.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(time, pod, namespace, reason, message);
    }
}
