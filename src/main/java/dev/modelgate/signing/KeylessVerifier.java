package dev.modelgate.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.api.v1alpha1.KeylessIdentity;
import dev.modelgate.api.v1alpha1.KeylessTrust;
import dev.modelgate.integrity.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;

/**
 * Sigstore keyless OMS bundles, verified offline against a trusted root: no network, so no Fulcio, Rekor or TUF
 * call. The steps, each refusing with one sentence:
 *
 * <ol>
 * <li>the transparency log entry comes from a log in the trusted root, is a {@code dsse} entry, and the log's key
 *     signed its entry timestamp (SET), which makes {@code integratedTime} trustworthy;</li>
 * <li>when an inclusion proof is present, it leads from the entry body to the root hash, and the checkpoint that
 *     names that root is signed by the same log;</li>
 * <li>the Fulcio certificate chains to a certificate authority of the trusted root valid at the integrated time,
 *     and was itself valid then (Fulcio certificates live ten minutes);</li>
 * <li>its SAN and OIDC issuer extension match one of the allowed identities;</li>
 * <li>its key verifies the DSSE signature, and the log entry body records this very payload, signature and
 *     certificate.</li>
 * </ol>
 *
 * @param root       the trusted root (shipped or inline)
 * @param identities allowed signers (SAN + issuer); at least one
 */
public record KeylessVerifier(SigstoreTrustedRoot root, List<Identity> identities) {

    /** Fulcio's OIDC issuer extension (v2, DER UTF8String) and its deprecated v1 form (raw bytes). */
    static final String ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";
    static final String ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";

    /** An allowed keyless signer: the certificate's SAN (e-mail or URI) and its OIDC issuer, both exact. */
    public record Identity(String san, String issuer) {
        String describe() {
            return san + " from " + issuer;
        }
    }

    public KeylessVerifier {
        identities = List.copyOf(identities);
        if (identities.isEmpty()) {
            throw new IllegalArgumentException("keyless verification needs at least one identity: any identity "
                    + "would trust every Sigstore user");
        }
    }

    /** From {@code spec.signing.keyless}; an inline trusted root wins over the shipped one. */
    public static KeylessVerifier fromApi(KeylessTrust trust) throws OmsException {
        List<Identity> ids = new ArrayList<>();
        if (trust.getIdentities() != null) {
            for (KeylessIdentity i : trust.getIdentities()) {
                if (i.getSan() == null || i.getSan().isBlank() || i.getIssuer() == null || i.getIssuer().isBlank()) {
                    throw OmsException.badInput("signing.keyless.identities: every identity needs san and issuer");
                }
                ids.add(new Identity(i.getSan(), i.getIssuer()));
            }
        }
        if (ids.isEmpty()) {
            throw OmsException.badInput("signing.keyless lists no identities: any identity would trust every Sigstore "
                    + "user");
        }
        SigstoreTrustedRoot root;
        if (trust.getTrustedRoot() != null && !trust.getTrustedRoot().isBlank()) {
            root = SigstoreTrustedRoot.parse(trust.getTrustedRoot());
        } else {
            root = SigstoreTrustedRoot.shipped();
            if (root == null) {
                throw OmsException.badInput("this build of ModelGate ships no Sigstore trusted root; give one inline "
                        + "(spec.signing.keyless.trustedRoot, or --trusted-root FILE)");
            }
        }
        return new KeylessVerifier(root, ids);
    }

    Signer verify(OmsBundle.KeylessCertificate material, SignatureCheck.Signed signed, byte[] sig, byte[] payload)
            throws OmsException {
        X509Certificate leaf = X509.parse(material.certificate(), "verificationMaterial.certificate");
        // 1. A log entry the trusted root vouches for; its SET fixes the time of signing.
        RekorEntry entry = null;
        SigstoreTrustedRoot.Tlog log = null;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < material.tlogEntries().size(); i++) {
            RekorEntry e = RekorEntry.parse(material.tlogEntries().get(i), i);
            String problem = entryProblem(e);
            if (problem == null) {
                entry = e;
                log = root.tlog(e.logId());
                break;
            }
            problems.add(problem);
        }
        if (entry == null) {
            throw OmsException.invalid("the keyless signature's transparency log entry is not trusted: "
                    + String.join("; ", problems));
        }
        Instant t = entry.integrated();
        // 2. The Fulcio certificate, at the integrated time.
        X509.requireValidAt(List.of(leaf), t, "logged at");
        String anchor = null;
        OmsException chainProblem = null;
        for (SigstoreTrustedRoot.CertificateAuthority ca : root.cas()) {
            if (!ca.validAt(t)) {
                continue;
            }
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(leaf);
            chain.addAll(ca.chain().subList(0, ca.chain().size() - 1));
            try {
                anchor = X509.validate(chain, List.of(ca.chain().get(ca.chain().size() - 1)), t);
                break;
            } catch (OmsException e) {
                chainProblem = e;
            }
        }
        if (anchor == null) {
            throw chainProblem != null ? chainProblem : OmsException.invalid("no certificate authority of the "
                    + "trusted root was valid at " + t + ", when the keyless signature was logged");
        }
        // 3. Who: SAN and OIDC issuer.
        List<String> sans = X509.sans(leaf);
        String issuer = issuer(leaf);
        Identity matched = null;
        for (Identity id : identities) {
            if (sans.contains(id.san()) && id.issuer().equals(issuer)) {
                matched = id;
                break;
            }
        }
        String who = String.join(", ", sans) + " from " + (issuer == null ? "(no issuer)" : issuer);
        if (matched == null) {
            throw OmsException.invalid("the keyless signature is by " + who + ", which is not an allowed identity "
                    + "(allowed: " + String.join("; ", identities.stream().map(Identity::describe).toList()) + ")");
        }
        // 4. The signature itself, and the log entry recording exactly it.
        if (!SignatureCheck.verifies(leaf.getPublicKey(), signed.bytes(), sig, signed.forceSha256())) {
            throw OmsException.invalid("the signature does not verify with the keyless certificate of " + who
                    + ": the statement or the signature was altered");
        }
        requireBodyMatches(entry, leaf, sig, payload);
        return new Signer(Signer.KEYLESS, matched.san(), "keyless identity " + matched.describe() + " (logged at "
                + t + " in " + (log.baseUrl().isEmpty() ? "the transparency log" : log.baseUrl()) + ")");
    }

    /** Why this entry cannot be relied on, or null. */
    private String entryProblem(RekorEntry e) throws OmsException {
        SigstoreTrustedRoot.Tlog log = root.tlog(e.logId());
        String id = Base64.getEncoder().encodeToString(e.logId());
        if (log == null) {
            return "it comes from log " + id + ", which the trusted root does not list";
        }
        if (!log.validAt(e.integrated())) {
            return "log " + id + " was not trusted at the entry's time " + e.integrated();
        }
        if (!"dsse".equals(e.kind())) {
            return "it is a '" + e.kind() + "' entry; OMS bundles are logged as dsse";
        }
        if (e.set() == null) {
            return "it carries no signed entry timestamp (inclusionPromise), so its time cannot be trusted offline";
        }
        if (!SignatureCheck.verifies(log.key(), e.setPayload(), e.set(), true)) {
            return "its signed entry timestamp does not verify with the key of log " + id
                    + " (entry, time or index altered)";
        }
        if (e.proof() != null) {
            if (!e.proofHolds()) {
                return "its inclusion proof does not lead to the root hash it names";
            }
            String cp = checkpointProblem(e, log);
            if (cp != null) {
                return cp;
            }
        }
        return null;
    }

    /** The checkpoint (a signed note) must name the proof's tree size and root, signed by the log's key. */
    private static String checkpointProblem(RekorEntry e, SigstoreTrustedRoot.Tlog log) throws OmsException {
        String note = e.proof().checkpoint();
        if (note == null) {
            return null; // older bundles: the SET alone vouches for the entry
        }
        int split = note.indexOf("\n\n");
        if (split < 0) {
            return "its checkpoint is not a signed note";
        }
        String text = note.substring(0, split + 1);
        String[] lines = text.split("\n");
        if (lines.length < 3) {
            return "its checkpoint is not a signed note";
        }
        if (!lines[1].equals(Long.toString(e.proof().treeSize()))
                || !Arrays.equals(decode(lines[2]), e.proof().rootHash())) {
            return "its checkpoint names another tree (size " + lines[1] + ") than its inclusion proof";
        }
        for (String line : note.substring(split + 2).split("\n")) {
            if (!line.startsWith("\u2014 ")) {
                continue;
            }
            byte[] sig = decode(line.substring(line.lastIndexOf(' ') + 1));
            if (sig == null || sig.length < 5 || !Arrays.equals(Arrays.copyOf(sig, 4), Arrays.copyOf(e.logId(), 4))) {
                continue; // another signer's line
            }
            if (SignatureCheck.verifies(log.key(), text.getBytes(StandardCharsets.UTF_8),
                    Arrays.copyOfRange(sig, 4, sig.length), true)) {
                return null;
            }
            return "its checkpoint signature does not verify with the log's key";
        }
        return "its checkpoint carries no signature by the log";
    }

    private static byte[] decode(String b64) {
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The OIDC issuer Fulcio recorded, or null. */
    static String issuer(X509Certificate cert) throws OmsException {
        try {
            byte[] v2 = cert.getExtensionValue(ISSUER_V2);
            if (v2 != null) {
                ASN1Primitive p = ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(v2).getOctets());
                if (p instanceof ASN1String s) {
                    return s.getString();
                }
            }
            byte[] v1 = cert.getExtensionValue(ISSUER_V1);
            if (v1 != null) {
                return new String(ASN1OctetString.getInstance(v1).getOctets(), StandardCharsets.UTF_8);
            }
            return null;
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw OmsException.badInput("the keyless certificate's OIDC issuer extension cannot be read: "
                    + e.getMessage());
        }
    }

    /** The dsse entry body must record this payload's hash, this signature and this certificate. */
    private static void requireBodyMatches(RekorEntry e, X509Certificate leaf, byte[] sig, byte[] payload)
            throws OmsException {
        ObjectNode body = OmsJson.readObject(e.body(), "the transparency log entry body");
        JsonNode spec = body.path("spec");
        String payloadHash = spec.path("payloadHash").path("value").asText("");
        String want = HexFormat.of().formatHex(Sha256.newDigest().digest(payload));
        if (!"dsse".equals(body.path("kind").asText()) || !want.equals(payloadHash)) {
            throw OmsException.invalid("the transparency log entry records another payload (sha256 " + payloadHash
                    + ") than the bundle's (" + want + ")");
        }
        byte[] leafDer;
        try {
            leafDer = leaf.getEncoded();
        } catch (CertificateEncodingException x) {
            throw OmsException.badInput("the keyless certificate cannot be encoded: " + x.getMessage());
        }
        for (JsonNode s : spec.path("signatures")) {
            byte[] logged = decode(s.path("signature").asText(""));
            byte[] verifier = decode(s.path("verifier").asText(""));
            if (logged == null || verifier == null || !Arrays.equals(logged, sig)) {
                continue;
            }
            String pem = new String(verifier, StandardCharsets.US_ASCII);
            try {
                if (Arrays.equals(X509.parsePem(pem, "the logged verifier").get(0).getEncoded(), leafDer)) {
                    return;
                }
            } catch (OmsException | CertificateEncodingException x) {
                // not this one
            }
        }
        throw OmsException.invalid("the transparency log entry does not record this bundle's signature with its "
                + "certificate");
    }
}
