package dev.modelgate.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import dev.modelgate.integrity.ModelPath;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** How the verifier treats static-scan findings for this model, and the exceptions a review accepted. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class ScanSpec {

    @JsonPropertyDescription("enforce (default): a pickle global outside the allowlist, unreviewed code or a "
            + "CRITICAL/HIGH finding fails the pod; warn: findings are reported only; off: files are not scanned.")
    @Default("enforce")
    private ScanPolicy policy;

    @JsonPropertyDescription("Reviewed exceptions: exact pickle globals (module.name) this model's files may "
            + "import although the scanner's allowlist does not hold them. Never accepts a global the denylist "
            + "rates HIGH or CRITICAL. Applies to this model's files only.")
    @Size(max = 256)
    private List<@Pattern(ApiPatterns.PICKLE_GLOBAL) @Size(max = 512) String> allowGlobals = new ArrayList<>();

    @JsonPropertyDescription("Reviewed code: paths of this model's files whose code (Python sources, auto_map "
            + "or model_file references, chat templates) a reviewer read and accepted. The file's sha256 in "
            + "spec.files pins the reviewed bytes.")
    @Size(max = 256)
    private List<@Pattern(ModelPath.PATTERN) @Size(max = ModelPath.MAX_LENGTH) String> allowCode = new ArrayList<>();

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

    public List<String> getAllowGlobals() {
        return allowGlobals;
    }

    public void setAllowGlobals(List<String> allowGlobals) {
        this.allowGlobals = allowGlobals == null ? new ArrayList<>() : new ArrayList<>(allowGlobals);
    }

    public List<String> getAllowCode() {
        return allowCode;
    }

    public void setAllowCode(List<String> allowCode) {
        this.allowCode = allowCode == null ? new ArrayList<>() : new ArrayList<>(allowCode);
    }

    /** The policy, or {@link ScanPolicy#ENFORCE} when none was given. */
    public ScanPolicy policyOrDefault() {
        return policy == null ? ScanPolicy.ENFORCE : policy;
    }

    /** True when nothing is set (no policy and no exceptions). */
    @JsonIgnore
    public boolean isEmpty() {
        return policy == null && allowGlobals.isEmpty() && allowCode.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScanSpec other && policy == other.policy && allowGlobals.equals(other.allowGlobals)
                && allowCode.equals(other.allowCode);
    }

    @Override
    public int hashCode() {
        return Objects.hash(policy, allowGlobals, allowCode);
    }
}
