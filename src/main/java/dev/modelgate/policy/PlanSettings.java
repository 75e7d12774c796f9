package dev.modelgate.policy;

import dev.modelgate.api.v1alpha1.ScanPolicy;
import java.util.List;
import java.util.Objects;

/**
 * Pod- and cluster-level settings that go into a {@link VerificationPlan} besides the models themselves.
 *
 * @param volume            the pod volume holding the models (annotation {@code modelgate.dev/volume})
 * @param root              where the verifier sees that volume, normally {@link PodContract#VOLUME_MOUNT_PATH}
 * @param strict            whether a file that belongs to no declared model fails the pod
 * @param ignore            globs of files the strict check leaves alone (lost+found, caches, ...)
 * @param defaultScanPolicy scan policy of a model that sets none
 */
public record PlanSettings(String volume, String root, boolean strict, List<String> ignore,
        ScanPolicy defaultScanPolicy) {

    public PlanSettings {
        Objects.requireNonNull(volume, "volume");
        Objects.requireNonNull(root, "root");
        ignore = List.copyOf(ignore == null ? List.of() : ignore);
        defaultScanPolicy = defaultScanPolicy == null ? ScanPolicy.ENFORCE : defaultScanPolicy;
    }

    /** Volume {@code models} at {@link PodContract#VOLUME_MOUNT_PATH}, strict, nothing ignored, scans enforced. */
    public static PlanSettings defaults() {
        return new PlanSettings(PodContract.DEFAULT_VOLUME, PodContract.VOLUME_MOUNT_PATH, true, List.of(),
                ScanPolicy.ENFORCE);
    }

    public PlanSettings withVolume(String value) {
        return new PlanSettings(value, root, strict, ignore, defaultScanPolicy);
    }

    public PlanSettings withRoot(String value) {
        return new PlanSettings(volume, value, strict, ignore, defaultScanPolicy);
    }

    public PlanSettings withStrict(boolean value) {
        return new PlanSettings(volume, root, value, ignore, defaultScanPolicy);
    }

    public PlanSettings withIgnore(List<String> value) {
        return new PlanSettings(volume, root, strict, value, defaultScanPolicy);
    }

    public PlanSettings withDefaultScanPolicy(ScanPolicy value) {
        return new PlanSettings(volume, root, strict, ignore, value);
    }
}
