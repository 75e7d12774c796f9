package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Process sharing and privilege escapes, refused in pods that declare models because each lets a container reach
 * the verifier's writable mount or get around its own read-only one:
 *
 * <ul>
 *   <li>{@code process-sharing}: {@code shareProcessNamespace} or {@code hostPID} (a container reaches the
 *       verifier's mount through {@code /proc/<pid>/root} and keeps the handle after it exits);</li>
 *   <li>{@code privilege-escape}: a privileged container (or a Windows host process), an added capability from
 *       {@link #CAPABILITIES}, or a {@code Bidirectional} mount propagation, in any container but the verifier;</li>
 *   <li>{@code verifier-targeted}: an ephemeral container whose {@code targetContainerName} is the verifier
 *       (judged whether or not the pod still declares models).</li>
 * </ul>
 *
 * <p>Decisions: {@code hostIPC} and {@code hostNetwork} are allowed (neither reaches a file system; NVIDIA MPS
 * needs {@code hostIPC}). Native sidecars ({@code restartPolicy: Always} init-containers) are allowed and judged as
 * any other container: their model mounts are read-only and they must come before the verifier.
 */
final class PrivilegeRules {

    /**
     * Capabilities that get around a read-only bind mount: mount (SYS_ADMIN), raw devices (SYS_RAWIO), kernel
     * modules (SYS_MODULE), open_by_handle_at out of the mount (DAC_READ_SEARCH), and ALL of them.
     */
    static final Set<String> CAPABILITIES = Set.of("ALL", "SYS_ADMIN", "SYS_RAWIO", "SYS_MODULE", "DAC_READ_SEARCH");

    private PrivilegeRules() {
    }

    /** {@code models} and {@code modelVolume} are null when the pod declares no models. */
    static void check(PodObject pod, JsonNode spec, List<PodContainers.Ref> containers, String models,
            String modelVolume, int verifier, List<Violation> out) {
        boolean declares = modelVolume != null;
        if (declares) {
            if (spec.path("shareProcessNamespace").asBoolean(false)) {
                out.add(PodRule.PROCESS_SHARING.deny("shareProcessNamespace", pod.describe(), models,
                        "shareProcessNamespace: true"));
            }
            if (spec.path("hostPID").asBoolean(false)) {
                out.add(PodRule.PROCESS_SHARING.deny("hostPID", pod.describe(), models, "hostPID: true"));
            }
        }
        for (PodContainers.Ref c : containers) {
            if (c.list().equals("ephemeralContainers")
                    && PodContract.INIT_CONTAINER_NAME.equals(c.node().path("targetContainerName").asText())) {
                out.add(PodRule.VERIFIER_TARGETED.deny(c.name(), pod.describe(), c.name()));
            }
            if (!declares || PodContainers.isVerifier(c, verifier)) {
                continue;
            }
            JsonNode sc = c.node().path("securityContext");
            if (sc.path("privileged").asBoolean(false)) {
                out.add(escape(pod, models, c, "runs privileged"));
            }
            // A Windows host process sees the node's file systems, as a privileged container does.
            if (sc.path("windowsOptions").path("hostProcess").asBoolean(
                    spec.path("securityContext").path("windowsOptions").path("hostProcess").asBoolean(false))) {
                out.add(escape(pod, models, c, "runs as a Windows host process"));
            }
            for (JsonNode cap : sc.path("capabilities").path("add")) {
                String name = capability(cap.asText());
                if (CAPABILITIES.contains(name)) {
                    out.add(escape(pod, models, c, "adds capability " + name));
                }
            }
            for (JsonNode m : c.node().path("volumeMounts")) {
                if ("Bidirectional".equals(m.path("mountPropagation").asText())) {
                    out.add(escape(pod, models, c, "mounts volume '" + m.path("name").asText()
                            + "' with mountPropagation: Bidirectional"));
                }
            }
        }
    }

    private static Violation escape(PodObject pod, String models, PodContainers.Ref c, String what) {
        return PodRule.PRIVILEGE_ESCAPE.deny(c.name(), pod.describe(), models, c.what(), c.name(),
                what);
    }

    /** Runtimes accept "CAP_SYS_ADMIN" and "sys_admin" as well as "SYS_ADMIN". */
    static String capability(String raw) {
        String s = raw.strip().toUpperCase(Locale.ROOT);
        return s.startsWith("CAP_") ? s.substring(4) : s;
    }
}
