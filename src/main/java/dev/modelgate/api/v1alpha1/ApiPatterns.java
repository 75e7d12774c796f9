package dev.modelgate.api.v1alpha1;

/** Regular expressions shared by several schema fields; compile-time constants so annotations can use them. */
public final class ApiPatterns {

    /** An https URL with no whitespace; {@code http://} and every other scheme are refused. */
    public static final String HTTPS_URL = "^https://[^\\s]+$";

    /** A DNS-1123 label (lower-case alphanumerics and '-'), the shape of a key name. */
    public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    /** A DNS-1123 subdomain, the shape of a Kubernetes object name. */
    public static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /** Review interval: a positive count of hours, days or weeks, e.g. {@code 90d}. */
    public static final String REVIEW_INTERVAL = "^[1-9][0-9]*(h|d|w)$";

    /** Contains at least one PEM public key block (SubjectPublicKeyInfo). */
    public static final String PEM_PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----[\\s\\S]+-----END PUBLIC KEY-----";

    /** Contains at least one PEM certificate block. */
    public static final String PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----[\\s\\S]+-----END CERTIFICATE-----";

    /** Condition status values, as in Kubernetes' own conditions. */
    public static final String CONDITION_STATUS = "^(True|False|Unknown)$";

    /** Condition type: a CamelCase word, optionally dotted. */
    public static final String CONDITION_TYPE = "^[A-Za-z]([A-Za-z0-9_.-]*[A-Za-z0-9])?$";

    /** Condition reason: CamelCase, as Kubernetes requires for metav1.Condition. */
    public static final String CONDITION_REASON = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$";

    /** A pickle global as the unpickler names it: {@code module.name}, dotted identifiers, no wildcard. */
    public static final String PICKLE_GLOBAL = "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+$";

    /** A registry host (lower-case DNS name or IPv4 address) with an optional port, e.g. {@code ghcr.io:443}. */
    static final String OCI_REGISTRY = "[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?";

    /** One repository path component, as the OCI distribution spec defines it. */
    static final String OCI_COMPONENT = "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*";

    /**
     * A trusted repository prefix: a registry, optionally followed by repository path components, e.g.
     * {@code ghcr.io/acme/models}. No scheme, tag or digest.
     */
    public static final String OCI_REPOSITORY_PREFIX = "^" + OCI_REGISTRY + "(/" + OCI_COMPONENT + ")*$";

    /**
     * An artifact pinned by its manifest digest: {@code registry/repository@sha256:<64 hex>}. A tag (alone or
     * next to the digest) does not match: tags move, digests do not.
     */
    public static final String OCI_DIGEST_REFERENCE = "^" + OCI_REGISTRY + "(/" + OCI_COMPONENT + ")+"
            + "@sha256:[a-f0-9]{64}$";

    private ApiPatterns() {
    }
}
