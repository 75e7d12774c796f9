package dev.modelgate.signing;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;

/** One ECDSA check of a DSSE signature, shared by the key, certificate and keyless paths. */
final class SignatureCheck {

    private SignatureCheck() {
    }

    /**
     * Whether {@code der} is a valid signature of {@code signed} by {@code key}. The hash follows the curve
     * (P-256/SHA-256, P-384/SHA-384, P-521/SHA-512) unless {@code forceSha256} (model_signing v0.2 signed every
     * curve with SHA-256).
     */
    static boolean verifies(PublicKey key, byte[] signed, byte[] der, boolean forceSha256) throws OmsException {
        EcKeys.Curve curve = EcKeys.curve(key);
        String alg = forceSha256 ? "SHA256withECDSA" : curve.jcaSignature();
        try {
            Signature s = Signature.getInstance(alg);
            s.initVerify(key);
            s.update(signed);
            return s.verify(der);
        } catch (java.security.SignatureException e) {
            return false; // not a DER ECDSA signature for this curve
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot verify " + alg, e);
        }
    }

    /** What a signature covers: the DSSE PAE, or the v0.2 encoding with SHA-256. */
    record Signed(byte[] bytes, boolean forceSha256) {
        static Signed of(OmsBundle bundle, boolean legacy) {
            return legacy ? new Signed(Dsse.legacyV02Pae(bundle.payloadType(), bundle.payload()), true)
                    : new Signed(Dsse.pae(bundle.payloadType(), bundle.payload()), false);
        }
    }
}
