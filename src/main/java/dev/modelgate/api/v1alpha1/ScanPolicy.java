package dev.modelgate.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a scan finding does to a pod. Serialised lower-case. */
public enum ScanPolicy {
    /** A CRITICAL or HIGH finding fails verification even when the hashes match. */
    @JsonProperty("enforce")
    ENFORCE,
    /** Findings are reported but do not fail verification. */
    @JsonProperty("warn")
    WARN,
    /** Files are not scanned. */
    @JsonProperty("off")
    OFF
}
