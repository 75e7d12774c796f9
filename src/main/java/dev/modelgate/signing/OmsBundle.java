package dev.modelgate.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An OMS bundle ({@code model.sig}) as read from disk: a Sigstore bundle holding a DSSE envelope. Parsing
 * checks the structure only and fails closed on anything it does not know; the signature and the statement
 * are judged later, by a {@link SignaturePolicy}.
 *
 * @param mediaType            the Sigstore bundle media type (v0.3 only)
 * @param material             how the signing key is identified
 * @param payloadType          the DSSE payload type ({@link Dsse#IN_TOTO_PAYLOAD_TYPE})
 * @param payload              the signed bytes, exactly as decoded from base64
 * @param signature            the one DSSE signature (DER ECDSA for keys and certificates)
 * @param keyId                the DSSE keyid, null when absent or null; OMS does not use it
 */
public record OmsBundle(String mediaType, VerificationMaterial material, String payloadType, byte[] payload,
        byte[] signature, String keyId) {

    /** The media types of Sigstore bundle v0.3, the only version OMS tools write. */
    public static final Set<String> MEDIA_TYPES = Set.of(
            "application/vnd.dev.sigstore.bundle.v0.3+json",
            "application/vnd.dev.sigstore.bundle+json;version=0.3");

    /** The media type ModelGate writes (as the reference implementation does). */
    public static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

    /** How the bundle names the key or identity that signed it. */
    public sealed interface VerificationMaterial {
        /** A short description for messages. */
        String describe();
    }

    /** {@code publicKey.hint}: the current form, a hex SHA-256 of the signer's public key PEM. */
    public record PublicKeyHint(String hint) implements VerificationMaterial {
        @Override
        public String describe() {
            return "public key hint " + hint;
        }
    }

    /**
     * {@code publicKey.rawBytes} (+ optional {@code keyDetails}): the pre-v1.1.0 form carrying the key itself,
     * as PEM (what model_signing wrote) or DER.
     */
    public record PublicKeyRaw(byte[] rawBytes, String keyDetails) implements VerificationMaterial {
        @Override
        public String describe() {
            return "embedded public key" + (keyDetails == null ? "" : " (" + keyDetails + ")");
        }
    }

    /** {@code x509CertificateChain}: leaf first, DER. Verified by {@link CertificateVerifier}. */
    public record CertificateChain(List<byte[]> certificates) implements VerificationMaterial {
        @Override
        public String describe() {
            return "X.509 certificate chain of " + certificates.size();
        }
    }

    /**
     * {@code certificate} plus transparency log entries: Sigstore keyless. The entries are kept as JSON and read
     * by {@link KeylessVerifier}, which alone knows what it needs from them.
     */
    public record KeylessCertificate(byte[] certificate, List<JsonNode> tlogEntries) implements VerificationMaterial {
        @Override
        public String describe() {
            return "Sigstore keyless certificate";
        }
    }

    /** Parses a bundle; every problem is {@link dev.modelgate.integrity.Outcome#BAD_INPUT} with one sentence. */
    public static OmsBundle parse(byte[] json) throws OmsException {
        ObjectNode root = OmsJson.readObject(json, "the signature bundle");
        String mediaType = OmsJson.text(root, "mediaType", "the bundle");
        if (!MEDIA_TYPES.contains(mediaType)) {
            throw OmsException.badInput("the bundle's mediaType '" + mediaType
                    + "' is not supported (expected " + MEDIA_TYPE + ")");
        }
        if (root.has("messageSignature")) {
            throw OmsException.badInput("the bundle carries a messageSignature, not a DSSE envelope; "
                    + "OMS bundles sign a DSSE envelope");
        }
        ObjectNode vm = OmsJson.object(root, "verificationMaterial", "the bundle");
        VerificationMaterial material = material(vm);

        ObjectNode env = OmsJson.object(root, "dsseEnvelope", "the bundle");
        String payloadType = OmsJson.text(env, "payloadType", "dsseEnvelope");
        if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(payloadType)) {
            throw OmsException.badInput("dsseEnvelope.payloadType '" + payloadType + "' is not supported (expected "
                    + Dsse.IN_TOTO_PAYLOAD_TYPE + ")");
        }
        byte[] payload = OmsJson.base64(OmsJson.text(env, "payload", "dsseEnvelope"), "dsseEnvelope.payload");
        JsonNode sigs = env.get("signatures");
        if (sigs == null || !sigs.isArray()) {
            throw OmsException.badInput("dsseEnvelope has no 'signatures' array");
        }
        if (sigs.size() != 1) {
            throw OmsException.badInput("dsseEnvelope has " + sigs.size()
                    + " signatures; a Sigstore bundle carries exactly one");
        }
        JsonNode s = sigs.get(0);
        if (!s.isObject()) {
            throw OmsException.badInput("dsseEnvelope.signatures[0] is not a JSON object");
        }
        byte[] sig = OmsJson.base64(OmsJson.text(s, "sig", "dsseEnvelope.signatures[0]"),
                "dsseEnvelope.signatures[0].sig");
        JsonNode kid = s.get("keyid");
        String keyId = null;
        if (kid != null && !kid.isNull()) {
            if (!kid.isTextual()) {
                throw OmsException.badInput("dsseEnvelope.signatures[0].keyid is not a string");
            }
            keyId = kid.textValue();
        }
        return new OmsBundle(mediaType, material, payloadType, payload, sig, keyId);
    }

    private static VerificationMaterial material(ObjectNode vm) throws OmsException {
        int kinds = (vm.has("publicKey") ? 1 : 0) + (vm.has("x509CertificateChain") ? 1 : 0)
                + (vm.has("certificate") ? 1 : 0);
        if (kinds == 0) {
            throw OmsException.badInput("verificationMaterial has no publicKey, x509CertificateChain or certificate");
        }
        if (kinds > 1) {
            throw OmsException.badInput("verificationMaterial has more than one of publicKey, x509CertificateChain "
                    + "and certificate");
        }
        List<JsonNode> tlog = new ArrayList<>();
        JsonNode entries = vm.get("tlogEntries");
        if (entries != null && !entries.isNull()) {
            if (!entries.isArray()) {
                throw OmsException.badInput("verificationMaterial.tlogEntries is not an array");
            }
            entries.forEach(tlog::add);
        }
        if (vm.has("publicKey")) {
            ObjectNode pk = OmsJson.object(vm, "publicKey", "verificationMaterial");
            boolean hasHint = pk.hasNonNull("hint");
            boolean hasRaw = pk.hasNonNull("rawBytes");
            if (hasHint == hasRaw) {
                throw OmsException.badInput("verificationMaterial.publicKey must carry exactly one of 'hint' and "
                        + "'rawBytes'");
            }
            if (hasHint) {
                String hint = OmsJson.text(pk, "hint", "verificationMaterial.publicKey");
                if (hint.isEmpty()) {
                    throw OmsException.badInput("verificationMaterial.publicKey.hint is empty");
                }
                return new PublicKeyHint(hint);
            }
            byte[] raw = OmsJson.base64(OmsJson.text(pk, "rawBytes", "verificationMaterial.publicKey"),
                    "verificationMaterial.publicKey.rawBytes");
            String details = pk.hasNonNull("keyDetails")
                    ? OmsJson.text(pk, "keyDetails", "verificationMaterial.publicKey") : null;
            return new PublicKeyRaw(raw, details);
        }
        if (vm.has("x509CertificateChain")) {
            ObjectNode chain = OmsJson.object(vm, "x509CertificateChain", "verificationMaterial");
            JsonNode certs = chain.get("certificates");
            if (certs == null || !certs.isArray() || certs.isEmpty()) {
                throw OmsException.badInput("verificationMaterial.x509CertificateChain has no certificates");
            }
            List<byte[]> ders = new ArrayList<>();
            for (int i = 0; i < certs.size(); i++) {
                String where = "verificationMaterial.x509CertificateChain.certificates[" + i + "]";
                if (!certs.get(i).isObject()) {
                    throw OmsException.badInput(where + " is not a JSON object");
                }
                ders.add(OmsJson.base64(OmsJson.text(certs.get(i), "rawBytes", where), where + ".rawBytes"));
            }
            return new CertificateChain(List.copyOf(ders));
        }
        ObjectNode cert = OmsJson.object(vm, "certificate", "verificationMaterial");
        byte[] der = OmsJson.base64(OmsJson.text(cert, "rawBytes", "verificationMaterial.certificate"),
                "verificationMaterial.certificate.rawBytes");
        if (tlog.isEmpty()) {
            throw OmsException.badInput("a Sigstore keyless bundle needs at least one transparency log entry "
                    + "(verificationMaterial.tlogEntries is missing or empty)");
        }
        return new KeylessCertificate(der, List.copyOf(tlog));
    }
}
