package dev.modelgate.signing;

import dev.modelgate.api.v1alpha1.CertificateIdentity;
import dev.modelgate.api.v1alpha1.CertificateTrust;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * Certificate-chain OMS bundles ({@code x509CertificateChain}): the leaf (first) and intermediates must chain to
 * one of the policy's roots, every certificate valid at the policy's clock (a chain bundle carries no trusted
 * time of signing), the leaf must allow digitalSignature and codeSigning, carry an ECDSA key that verifies the
 * DSSE signature, and match one of the allowed identities (none listed: any certificate the roots issued).
 *
 * @param roots      trust anchors ({@code spec.signing.certificates.roots})
 * @param identities allowed signers; empty accepts any
 */
public record CertificateVerifier(List<X509Certificate> roots, List<Identity> identities) {

    /** One allowed signer: every field given must match (subject: exact DN; san: one of the leaf's SANs). */
    public record Identity(String subject, String san) {
        public Identity {
            if (subject == null && san == null) {
                throw new IllegalArgumentException("a certificate identity needs a subject or a SAN");
            }
        }

        boolean matches(X509Certificate leaf, List<String> sans) {
            if (subject != null) {
                X500Principal want;
                try {
                    want = new X500Principal(subject);
                } catch (IllegalArgumentException e) {
                    return false;
                }
                if (!want.equals(leaf.getSubjectX500Principal())) {
                    return false;
                }
            }
            return san == null || sans.contains(san);
        }

        String describe() {
            return (subject == null ? "" : "subject '" + subject + "'") + (subject != null && san != null ? " with "
                    : "") + (san == null ? "" : "SAN '" + san + "'");
        }
    }

    public CertificateVerifier {
        roots = List.copyOf(roots);
        identities = List.copyOf(identities);
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("no certificate roots to verify chains with");
        }
    }

    /** From {@code ModelSource.spec.signing.certificates}; a malformed PEM or identity is bad input. */
    public static CertificateVerifier fromApi(CertificateTrust trust) throws OmsException {
        List<X509Certificate> roots = X509.parsePem(trust.getRoots() == null ? "" : trust.getRoots(),
                "signing.certificates.roots");
        List<Identity> ids = new ArrayList<>();
        if (trust.getIdentities() != null) {
            for (CertificateIdentity i : trust.getIdentities()) {
                if (i.getSubject() != null) {
                    try {
                        new X500Principal(i.getSubject());
                    } catch (IllegalArgumentException e) {
                        throw OmsException.badInput("signing.certificates.identities: subject '" + i.getSubject()
                                + "' is not a distinguished name (" + e.getMessage() + ")");
                    }
                }
                try {
                    ids.add(new Identity(i.getSubject(), i.getSan()));
                } catch (IllegalArgumentException e) {
                    throw OmsException.badInput("signing.certificates.identities: " + e.getMessage());
                }
            }
        }
        return new CertificateVerifier(roots, ids);
    }

    /** Checks the chain and the signature; returns who signed or throws the one-sentence reason. */
    Signer verify(OmsBundle.CertificateChain material, SignatureCheck.Signed signed, byte[] sig, Instant now)
            throws OmsException {
        List<X509Certificate> chain = new ArrayList<>();
        for (int i = 0; i < material.certificates().size(); i++) {
            chain.add(X509.parse(material.certificates().get(i),
                    "verificationMaterial.x509CertificateChain.certificates[" + i + "]"));
        }
        X509Certificate leaf = chain.get(0);
        EcKeys.curve(leaf.getPublicKey()); // an ECDSA key, or bad input
        if (!SignatureCheck.verifies(leaf.getPublicKey(), signed.bytes(), sig, signed.forceSha256())) {
            throw OmsException.invalid("the signature does not verify with the certificate '" + X509.subject(leaf)
                    + "' in the bundle: the statement or the signature was altered");
        }
        X509.requireValidAt(chain, now, "now");
        String anchor = X509.validate(chain, roots, now);
        X509.requireCodeSigning(leaf);
        List<String> sans = X509.sans(leaf);
        String who = X509.subject(leaf) + (sans.isEmpty() ? "" : " (SAN " + String.join(", ", sans) + ")");
        if (!identities.isEmpty()) {
            Identity matched = null;
            for (Identity id : identities) {
                if (id.matches(leaf, sans)) {
                    matched = id;
                    break;
                }
            }
            if (matched == null) {
                List<String> allowed = identities.stream().map(Identity::describe).toList();
                throw OmsException.invalid("the signing certificate '" + who
                        + "' is not an allowed identity (allowed: " + String.join("; ", allowed) + ")");
            }
        }
        return new Signer(Signer.CERTIFICATE, who, "certificate '" + who + "' issued under root '" + anchor + "'");
    }
}
