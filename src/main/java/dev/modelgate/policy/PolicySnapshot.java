package dev.modelgate.policy;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster state an admission decision reads. The webhooks back it with informer caches (no network call
 * while deciding); {@code modelgate check} with the YAML files it was given.
 */
public interface PolicySnapshot {

    Optional<TrustedModel> trustedModel(String namespace, String name);

    Optional<ModelSource> modelSource(String name);

    /** The labels of the Namespace object, or empty when no such object is known. */
    Optional<Map<String, String>> namespaceLabels(String namespace);

    /** The labels of a PersistentVolumeClaim, or empty when no such claim is known. */
    Optional<Map<String, String>> claimLabels(String namespace, String claim);
}
