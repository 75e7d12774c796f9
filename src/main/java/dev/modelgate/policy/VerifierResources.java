package dev.modelgate.policy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * CPU and memory requests and limits of the injected verifier. A namespace whose ResourceQuota demands limits
 * admits a pod only when every container, the verifier included, declares them; the scheduler sizes the pod by
 * its largest init-container too. An empty value leaves that entry out.
 */
public record VerifierResources(Optional<String> requestsCpu, Optional<String> requestsMemory,
        Optional<String> limitsCpu, Optional<String> limitsMemory) {

    /** Kubernetes' quantity syntax (resource.Quantity): a number and an optional binary, decimal or exponent suffix. */
    private static final Pattern QUANTITY =
            Pattern.compile("^[+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$");

    /**
     * Hashing is CPU-bound and parallel (2 cores reach twice one core's speed) and streams with a small heap.
     * Measured needs are in docs/verifier.md; raise the memory limit for models with very large headers.
     */
    public static final VerifierResources DEFAULT = of("250m", "256Mi", "2", "512Mi");

    public VerifierResources {
        check("requests.cpu", requestsCpu);
        check("requests.memory", requestsMemory);
        check("limits.cpu", limitsCpu);
        check("limits.memory", limitsMemory);
    }

    /** From setting values; null, blank or {@code none} leaves an entry out. */
    public static VerifierResources of(String requestsCpu, String requestsMemory, String limitsCpu, String limitsMemory) {
        return new VerifierResources(value(requestsCpu), value(requestsMemory), value(limitsCpu), value(limitsMemory));
    }

    private static Optional<String> value(String v) {
        return v == null || v.isBlank() || v.strip().equals("none") ? Optional.empty() : Optional.of(v.strip());
    }

    private static void check(String name, Optional<String> value) {
        if (value.isPresent() && !QUANTITY.matcher(value.get()).matches()) {
            throw new IllegalArgumentException("modelgate.verifier.resources " + name + " '" + value.get()
                    + "' is not a Kubernetes quantity; use e.g. 500m or 2 for CPU, 256Mi for memory, or none");
        }
    }

    /** The container's {@code resources} object, or null when nothing is set. */
    public ObjectNode toJson() {
        ObjectNode resources = JsonNodeFactory.instance.objectNode();
        ObjectNode requests = JsonNodeFactory.instance.objectNode();
        requestsCpu.ifPresent(v -> requests.put("cpu", v));
        requestsMemory.ifPresent(v -> requests.put("memory", v));
        ObjectNode limits = JsonNodeFactory.instance.objectNode();
        limitsCpu.ifPresent(v -> limits.put("cpu", v));
        limitsMemory.ifPresent(v -> limits.put("memory", v));
        if (!limits.isEmpty()) {
            resources.set("limits", limits);
        }
        if (!requests.isEmpty()) {
            resources.set("requests", requests);
        }
        return resources.isEmpty() ? null : resources;
    }
}
