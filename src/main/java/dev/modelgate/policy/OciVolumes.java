package dev.modelgate.policy;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.oci.OciReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The image-volume rule of the pod contract, as a pure function: in an enforced namespace every image volume
 * ({@code volumes[].image}, KEP-4639) must mount, by digest, the artifact of a TrustedModel the pod names in
 * {@code modelgate.dev/models}, and that model's source must trust the artifact's repository. A tag, an unknown
 * digest, another repository or a pod that declares no models is refused.
 *
 * <p>The runtime verifies every blob against its digest when it pulls, and a digest fixes the manifest, which
 * fixes every layer digest, which for ModelPack raw layers is every file's sha256: so matching the reference
 * by digest at admission binds the mounted bytes to the approved file list without reading a byte of them.
 *
 * <p>Readiness, revocation and review of the named models are the models rule's concern (the pod names them,
 * so they are judged there); this function only decides whether each image volume is one of them.
 */
public final class OciVolumes {

    /** An image volume: its name and the reference it mounts. */
    public record ImageVolume(String name, String reference) {
    }

    private OciVolumes() {
    }

    /** The pod's image volumes, in order. */
    public static List<ImageVolume> imageVolumes(PodSpec spec) {
        List<ImageVolume> out = new ArrayList<>();
        if (spec == null || spec.getVolumes() == null) {
            return out;
        }
        for (Volume v : spec.getVolumes()) {
            if (v.getImage() != null) {
                out.add(new ImageVolume(v.getName(), v.getImage().getReference()));
            }
        }
        return out;
    }

    /** The rule for a pod or template: its image volumes against the models it names. */
    public static List<Violation> judge(PodObject pod, PolicySnapshot snapshot) {
        List<String> names;
        String annotation = pod.modelsAnnotation();
        try {
            names = annotation == null ? List.of() : PodContract.modelNames(annotation);
        } catch (IllegalArgumentException e) {
            names = List.of(); // the models-annotation rule reports it; no image volume is approved by it
        }
        return judge(pod.describe(), pod.namespace(), imageVolumes(pod.spec()), names, snapshot);
    }

    /**
     * Violations of the rule, one per image volume that is not an approved model; empty when every image volume
     * is (or there are none).
     *
     * @param subject    the object, as messages name it ("Deployment mlx/server")
     * @param namespace  where the named TrustedModels live
     * @param volumes    the pod's image volumes
     * @param modelNames the names in {@code modelgate.dev/models} (empty when the pod declares none)
     */
    public static List<Violation> judge(String subject, String namespace, List<ImageVolume> volumes,
            List<String> modelNames, PolicySnapshot snapshot) {
        List<Violation> out = new ArrayList<>();
        for (ImageVolume v : volumes) {
            problem(subject, namespace, v, modelNames, snapshot).ifPresent(m -> out.add(
                    Violation.deny(PodRule.IMAGE_VOLUME, v.name(), m)));
        }
        return out;
    }

    /** The rule for one image volume of a pod or template (the pod contract's binding rules call this). */
    static Optional<Violation> judge(PodObject pod, String volume, String reference, PolicySnapshot snapshot) {
        List<String> names;
        String annotation = pod.modelsAnnotation();
        try {
            names = annotation == null ? List.of() : PodContract.modelNames(annotation);
        } catch (IllegalArgumentException e) {
            names = List.of(); // the models-annotation rule reports it; no image volume is approved by it
        }
        return problem(pod.describe(), pod.namespace(), new ImageVolume(volume, reference), names, snapshot)
                .map(m -> Violation.deny(PodRule.IMAGE_VOLUME, volume, m));
    }

    private static Optional<String> problem(String subject, String namespace, ImageVolume v, List<String> modelNames,
            PolicySnapshot snapshot) {
        String rule = " (rule " + PodRule.IMAGE_VOLUME.id() + ")";
        String what = subject + ": image volume '" + v.name() + "' mounts '" + v.reference() + "'";
        OciReference ref;
        try {
            ref = OciReference.parse(v.reference());
        } catch (IllegalArgumentException e) {
            return Optional.of(what + ", which is not a full registry/repository@sha256:<digest> reference" + rule
                    + ": " + e.getMessage());
        }
        if (ref.digest() == null) {
            return Optional.of(what + " by tag" + rule + "; a tag can move, so mount the approved artifact by its "
                    + "digest: registry/repository@sha256:<digest> as in the TrustedModel's spec.oci.reference");
        }
        String pinned = ref.pinnedForm();
        if (modelNames.isEmpty()) {
            return Optional.of(what + " but the pod declares no models" + rule + "; name the TrustedModel that "
                    + "approves " + pinned + " in " + PodContract.ANNOTATION_MODELS);
        }
        List<String> sameRepository = new ArrayList<>();
        for (String name : modelNames) {
            Optional<TrustedModel> tm = snapshot.trustedModel(namespace, name);
            if (tm.isEmpty() || tm.get().getSpec() == null || tm.get().getSpec().getOci() == null) {
                continue;
            }
            String approved = tm.get().getSpec().getOci().getReference();
            if (pinned.equals(approved)) {
                String sourceName = tm.get().getSpec().getSource();
                ModelSource source = sourceName == null ? null : snapshot.modelSource(sourceName).orElse(null);
                if (source == null) {
                    return Optional.of(what + ", approved by model " + name + ", whose ModelSource " + sourceName
                            + " does not exist" + rule + "; create the source or fix the model's spec.source");
                }
                Optional<String> trust = OciTrust.problem(tm.get(), source);
                if (trust.isPresent()) {
                    return Optional.of(what + ", but the source does not trust that repository" + rule + ": "
                            + trust.get());
                }
                return Optional.empty();
            }
            if (approved != null && approved.startsWith(ref.registry() + "/" + ref.repository() + "@")) {
                sameRepository.add(name + " (" + approved.substring(approved.indexOf('@') + 1) + ")");
            }
        }
        if (!sameRepository.isEmpty()) {
            return Optional.of(what + ", a digest no named model approves" + rule + ": the models naming that "
                    + "repository approve " + String.join(", ", sameRepository) + "; mount the approved digest or "
                    + "approve this one with `modelgate approve oci://" + pinned + "`");
        }
        return Optional.of(what + ", which none of the named models " + modelNames + " approves" + rule
                + "; approve it with `modelgate approve oci://" + pinned + "` and name that TrustedModel in "
                + PodContract.ANNOTATION_MODELS);
    }
}
