package dev.modelgate.signing;

import dev.modelgate.api.v1alpha1.KeylessTrust;

/** Sigstore keyless bundles, checked offline against a trusted root. */
public final class KeylessVerifier {

    public static KeylessVerifier fromApi(KeylessTrust trust) throws OmsException {
        throw OmsException.badInput("Sigstore keyless verification is not implemented yet");
    }

    Signer verify(OmsBundle.KeylessCertificate material, SignatureCheck.Signed signed, byte[] sig, byte[] payload)
            throws OmsException {
        throw OmsException.badInput("Sigstore keyless verification is not implemented yet");
    }
}
