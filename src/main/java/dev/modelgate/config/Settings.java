package dev.modelgate.config;

import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.policy.EnforcementMode;
import dev.modelgate.policy.PolicySettings;
import dev.modelgate.policy.ReviewOverdueAction;
import dev.modelgate.policy.VerifierResources;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns the raw modelgate.* settings into {@link PolicySettings}: the operator calls it from
 * {@link ModelGateConfig#policySettings()}, {@code modelgate check} from a Helm values or properties file, so a
 * pipeline judges with exactly the settings the cluster uses. Plain Java (the CLI has no Quarkus).
 */
public final class Settings {

    private Settings() {
    }

    /** Invalid values throw {@link IllegalArgumentException} naming the setting and the accepted values. */
    public static PolicySettings policySettings(String verifierImage, String defaultMode, List<String> exemptNamespaces,
            String ownNamespace, String reviewOverdueAction, String scanPolicy, boolean strict, List<String> ignore,
            List<String> guardUsers, List<String> guardGroups, List<String> allowedVolumeTypes,
            VerifierResources verifierResources) {
        Set<String> exempt = new HashSet<>(exemptNamespaces);
        exempt.add("kube-system");
        exempt.add(ownNamespace);
        return new PolicySettings(verifierImage, EnforcementMode.parse(defaultMode), exempt,
                ReviewOverdueAction.parse(reviewOverdueAction), scanPolicy(scanPolicy), strict, ignore,
                Set.copyOf(guardUsers), Set.copyOf(guardGroups), Set.copyOf(allowedVolumeTypes), verifierResources);
    }

    static ScanPolicy scanPolicy(String value) {
        return switch (value) {
            case "enforce" -> ScanPolicy.ENFORCE;
            case "warn" -> ScanPolicy.WARN;
            case "off" -> ScanPolicy.OFF;
            default -> throw new IllegalArgumentException("modelgate.verifier.scan-policy '" + value
                    + "' is not one of enforce, warn, off");
        };
    }
}
