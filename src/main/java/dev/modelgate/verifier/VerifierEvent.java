package dev.modelgate.verifier;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One JSON line of {@code verify-pod} output: a file, a download, or a signature. {@code result} is {@code ok}
 * or what went wrong in lower-case words ({@code digest-mismatch}); {@code code} the {@link ReasonCode} of a
 * failure; {@code reason} one sentence naming the file and the fix. Null fields are left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"event", "path", "result", "code", "reason", "bytes", "ms", "sha256", "scan", "url", "model"})
public record VerifierEvent(String event, String path, String result, ReasonCode code, String reason, Long bytes,
        Long ms, String sha256, String scan, String url, String model) {

    public boolean failed() {
        return code != null && code != ReasonCode.Verified && !"warn".equals(result);
    }
}
