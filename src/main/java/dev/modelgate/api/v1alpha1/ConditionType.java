package dev.modelgate.api.v1alpha1;

/** The condition types ModelGate writes into the status of its resources. */
public final class ConditionType {

    /** The resource is usable: admission accepts pods that reference it. */
    public static final String READY = "Ready";

    /** A TrustedModel's source exists and is Ready. */
    public static final String SOURCE_TRUSTED = "SourceTrusted";

    /** The review interval has passed since lastReviewed. */
    public static final String REVIEW_DUE = "ReviewDue";

    /** The TrustedModel carries spec.revoked. */
    public static final String REVOKED = "Revoked";

    /**
     * An OCI TrustedModel's manifest is still in its registry and still maps to spec.files; informational, checked in
     * the background, never part of Ready.
     */
    public static final String ARTIFACT_AVAILABLE = "ArtifactAvailable";

    private ConditionType() {
    }
}
