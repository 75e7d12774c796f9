package dev.modelgate.policy;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.OciRepository;
import dev.modelgate.api.v1alpha1.OciSourceSpec;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.oci.OciReference;
import java.util.List;
import java.util.Optional;

/**
 * Whether an OCI reference lies in a source's trusted repositories. Cross-object, so the schema cannot say it:
 * {@link ModelJudge} (model readiness) and {@link OciVolumes} (image volumes at admission) ask here.
 */
public final class OciTrust {

    private OciTrust() {
    }

    /** The source's repository prefixes, empty when it lists none. */
    public static List<String> prefixes(ModelSource source) {
        OciSourceSpec oci = source == null || source.getSpec() == null ? null : source.getSpec().getOci();
        if (oci == null || oci.getRepositories() == null) {
            return List.of();
        }
        return oci.getRepositories().stream().map(OciRepository::getPrefix).filter(p -> p != null).toList();
    }

    /** The repository entry of {@code source} that trusts {@code ref}, if any. */
    public static Optional<OciRepository> repositoryFor(OciReference ref, ModelSource source) {
        OciSourceSpec oci = source == null || source.getSpec() == null ? null : source.getSpec().getOci();
        if (oci == null || oci.getRepositories() == null) {
            return Optional.empty();
        }
        return oci.getRepositories().stream().filter(r -> ref.isUnder(r.getPrefix())).findFirst();
    }

    /**
     * Why the model's {@code spec.oci.reference} is not acceptable under {@code source} (null source: not
     * checked here), or empty when it is or the model has none.
     */
    public static Optional<String> problem(TrustedModel model, ModelSource source) {
        String who = ModelManifests.name(model);
        if (model.getSpec() == null || model.getSpec().getOci() == null) {
            return Optional.empty();
        }
        String reference = model.getSpec().getOci().getReference();
        if (!OciReference.isPinnedForm(reference)) {
            return Optional.of(who + ": spec.oci.reference '" + reference + "' is not registry/repository@sha256:"
                    + "<64 hex>; pin the artifact by its manifest digest (modelgate approve oci://... writes it)");
        }
        if (source == null || source.getSpec() == null) {
            return Optional.empty();
        }
        String sourceName = source.getMetadata() == null ? "?" : source.getMetadata().getName();
        List<String> prefixes = prefixes(source);
        if (prefixes.isEmpty()) {
            return Optional.of(who + ": spec.oci.reference " + reference + " names a registry, but ModelSource "
                    + sourceName + " lists no spec.oci.repositories; add the repository prefix to the source");
        }
        OciReference ref = OciReference.parse(reference);
        if (ref.prefixIn(prefixes).isEmpty()) {
            return Optional.of(who + ": spec.oci.reference " + reference + " is not under any of ModelSource "
                    + sourceName + "'s spec.oci.repositories " + prefixes
                    + "; fix the reference or add its repository to the source");
        }
        return Optional.empty();
    }
}
