package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Binding, the core of the contract: only bytes the verifier proved may reach an application container.
 *
 * <ul>
 *   <li>{@code volume-type}: volumes that can reach storage outside the contract (hostPath, nfs, csi, ...) are
 *       refused in enforced namespaces, for every pod, unless an administrator allows the type;</li>
 *   <li>{@code image-volume}: image volumes only when they name an approved OCI model by digest;</li>
 *   <li>{@code undeclared-model-store}: a model store mounted by a pod that declares no models;</li>
 *   <li>{@code model-store-binding}: a model store, or the claim behind the model volume, attached under any other
 *       name than the model volume (a decoy model volume, the same claim twice);</li>
 *   <li>{@code writable-model-mount}: the model volume mounted writable by anything but the verifier;</li>
 *   <li>{@code model-path-shadowed}: any other mount at or inside a folder where a container reads the model
 *       volume.</li>
 * </ul>
 */
final class BindingRules {

    /**
     * Volume types a pod in an enforced namespace may use without an administrator's say: claims (judged below),
     * volumes private to the pod, and API objects. Anything else, including types added to Kubernetes later, is
     * refused unless listed in {@code modelgate.admission.allowed-volume-types} (fail closed).
     */
    static final Set<String> ALLOWED_TYPES = Set.of("persistentVolumeClaim", "emptyDir", "configMap", "secret",
            "downwardAPI", "projected", "ephemeral");

    private BindingRules() {
    }

    /**
     * @param modelVolume the model volume's name, or null when the pod declares no models
     * @param verifier    the verifier's index among the init-containers, -1 when none
     */
    static void check(PodObject pod, JsonNode spec, List<PodContainers.Ref> containers, String modelVolume,
            int verifier, PolicySnapshot snapshot, PolicySettings settings, List<Violation> out) {
        volumes(pod, spec, modelVolume, snapshot, settings, out);
        if (modelVolume != null) {
            mounts(pod, containers, modelVolume, verifier, out);
        }
    }

    private static void volumes(PodObject pod, JsonNode spec, String modelVolume, PolicySnapshot snapshot,
            PolicySettings settings, List<Violation> out) {
        JsonNode volumes = spec.path("volumes");
        if (volumes.isEmpty()) {
            return;
        }
        String modelClaim = modelVolume == null ? null
                : PodContainers.volume(spec, modelVolume).path("persistentVolumeClaim").path("claimName").asText(null);
        for (JsonNode v : volumes) {
            String name = v.path("name").asText();
            Iterator<String> fields = v.fieldNames();
            while (fields.hasNext()) {
                String type = fields.next();
                if (type.equals("name") || ALLOWED_TYPES.contains(type)) {
                    continue;
                }
                if (type.equals("image")) {
                    String ref = v.path("image").path("reference").asText("");
                    OciVolumes.judge(pod, name, ref, snapshot).ifPresent(out::add);
                } else if (!settings.allowedVolumeTypes().contains(type)) {
                    out.add(PodRule.VOLUME_TYPE.deny(name, pod.describe(), name, type));
                }
            }
            String claim = v.path("persistentVolumeClaim").path("claimName").asText(null);
            if (claim == null) {
                continue;
            }
            boolean store = snapshot.claimLabels(pod.namespace(), claim)
                    .map(l -> "true".equals(l.get(PodContract.LABEL_MODEL_STORE))).orElse(false);
            if (modelVolume == null) {
                if (store) {
                    out.add(PodRule.UNDECLARED_MODEL_STORE.deny(claim, pod.describe(), claim, name));
                }
            } else if (!name.equals(modelVolume) && (store || claim.equals(modelClaim))) {
                String what = (store ? "model store PersistentVolumeClaim " : "PersistentVolumeClaim ") + claim
                        + (claim.equals(modelClaim) ? ", the claim behind the model volume," : "");
                out.add(PodRule.MODEL_STORE_BINDING.deny(claim, pod.describe(), name, what, modelVolume));
            }
        }
    }

    /** Per container (the verifier aside): the model volume read-only, nothing else at or inside its folders. */
    private static void mounts(PodObject pod, List<PodContainers.Ref> containers, String modelVolume, int verifier,
            List<Violation> out) {
        for (PodContainers.Ref c : containers) {
            if (PodContainers.isVerifier(c, verifier)) {
                continue;
            }
            JsonNode mounts = c.node().path("volumeMounts");
            List<String> modelFolders = null;
            for (JsonNode m : mounts) {
                if (modelVolume.equals(m.path("name").asText())) {
                    if (!m.path("readOnly").asBoolean(false)) {
                        out.add(PodRule.WRITABLE_MODEL_MOUNT.deny(modelVolume, pod.describe(), c.what(), c.name(),
                                modelVolume, m.path("mountPath").asText()));
                    }
                    if (modelFolders == null) {
                        modelFolders = new ArrayList<>(2);
                    }
                    modelFolders.add(PodContainers.normalise(m.path("mountPath").asText()));
                }
            }
            if (modelFolders == null || mounts.size() < 2) {
                continue;
            }
            for (int i = 0; i < mounts.size(); i++) {
                JsonNode m = mounts.get(i);
                String path = PodContainers.normalise(m.path("mountPath").asText());
                for (int j = 0, k = -1; j < mounts.size(); j++) {
                    JsonNode owner = mounts.get(j);
                    if (!modelVolume.equals(owner.path("name").asText())) {
                        continue;
                    }
                    k++;
                    String folder = modelFolders.get(k);
                    if (i != j && PodContainers.atOrInside(path, folder)) {
                        out.add(PodRule.MODEL_PATH_SHADOWED.deny(m.path("name").asText(), pod.describe(), c.what(),
                                c.name(), m.path("name").asText(), m.path("mountPath").asText(), folder, modelVolume));
                        break;
                    }
                }
            }
        }
    }
}
