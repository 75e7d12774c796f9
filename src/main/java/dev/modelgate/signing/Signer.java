package dev.modelgate.signing;

/**
 * Who signed a model, as the policy knows it: a trusted key by name, a certificate identity or a Sigstore keyless
 * identity. Reported on success so a person sees which key or identity vouched for the model.
 *
 * @param kind     {@link #KEY}, {@link #CERTIFICATE} or {@link #KEYLESS}
 * @param name     the key's name, the certificate's subject/SAN, or the keyless SAN
 * @param describe one phrase for messages, e.g. {@code key 'release-2026' (3f1a…)}
 */
public record Signer(String kind, String name, String describe) {

    public static final String KEY = "key";
    public static final String CERTIFICATE = "certificate";
    public static final String KEYLESS = "keyless";
}
