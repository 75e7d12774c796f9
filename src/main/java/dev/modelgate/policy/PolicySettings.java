package dev.modelgate.policy;

import dev.modelgate.api.v1alpha1.ScanPolicy;
import java.util.List;
import java.util.Set;

/**
 * The settings the admission decision and the plan builder take, as plain data: the cluster reads them from
 * {@code dev.modelgate.config.ModelGateConfig}, {@code modelgate check} from its options. Policy code never
 * sees the Quarkus configuration.
 *
 * @param verifierImage       image of the injected verifier init-container
 * @param defaultMode         mode of an opted-in namespace without a {@code modelgate.dev/mode} label
 * @param exemptNamespaces    never checked (kube-system and ModelGate's own namespace are added always)
 * @param reviewOverdueAction what an overdue review does at admission
 * @param defaultScanPolicy   scan policy of a model that sets none
 * @param strict              stray files on the volume fail verification
 * @param ignoreGlobs         paths the verifier leaves out of the strict check
 * @param guardUsers          users allowed to remove the enforce label or a models annotation
 * @param guardGroups         groups allowed to do the same
 */
public record PolicySettings(String verifierImage, EnforcementMode defaultMode, Set<String> exemptNamespaces,
        ReviewOverdueAction reviewOverdueAction, ScanPolicy defaultScanPolicy, boolean strict,
        List<String> ignoreGlobs, Set<String> guardUsers, Set<String> guardGroups, VerifierResources verifierResources) {

    /** The image tag this build's chart deploys; check and tests use it when nothing else is configured. */
    public static final String DEFAULT_VERIFIER_IMAGE = "ghcr.io/modelgate/modelgate:0.1.0";

    public PolicySettings {
        exemptNamespaces = Set.copyOf(exemptNamespaces);
        ignoreGlobs = List.copyOf(ignoreGlobs);
        guardUsers = Set.copyOf(guardUsers);
        guardGroups = Set.copyOf(guardGroups);
        java.util.Objects.requireNonNull(verifierResources, "verifierResources");
    }

    /** The settings with the default verifier resources. */
    public PolicySettings(String verifierImage, EnforcementMode defaultMode, Set<String> exemptNamespaces,
            ReviewOverdueAction reviewOverdueAction, ScanPolicy defaultScanPolicy, boolean strict,
            List<String> ignoreGlobs, Set<String> guardUsers, Set<String> guardGroups) {
        this(verifierImage, defaultMode, exemptNamespaces, reviewOverdueAction, defaultScanPolicy, strict, ignoreGlobs,
                guardUsers, guardGroups, VerifierResources.DEFAULT);
    }

    /** The shipped defaults: enforce, warn on overdue reviews, scan enforce, strict, no ignores, no guard bypass. */
    public static PolicySettings defaults() {
        return new PolicySettings(DEFAULT_VERIFIER_IMAGE, EnforcementMode.ENFORCE, Set.of("kube-system"),
                ReviewOverdueAction.WARN, ScanPolicy.ENFORCE, true, List.of(), Set.of(), Set.of());
    }
}
