package dev.modelgate.signing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.integrity.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * One transparency log entry of a Sigstore bundle ({@code verificationMaterial.tlogEntries[]}), and the checks
 * that need only the log's public key: the signed entry timestamp (the log's promise to include the entry at
 * {@code integratedTime}), and, when present, the Merkle inclusion proof (RFC 6962) with its signed checkpoint.
 *
 * @param logIndex       the entry's index in the log (as the SET signs it)
 * @param logId          SHA-256 of the log's DER public key
 * @param kind           entry kind ({@code dsse} for OMS bundles)
 * @param version        entry kind version
 * @param integratedTime when the log accepted the entry (seconds since the epoch)
 * @param set            the signed entry timestamp (DER ECDSA), null when absent
 * @param proof          the inclusion proof, null when absent
 * @param body           the canonicalized entry body (JSON bytes)
 */
record RekorEntry(long logIndex, byte[] logId, String kind, String version, long integratedTime, byte[] set,
        InclusionProof proof, byte[] body) {

    /** RFC 6962 inclusion proof plus the checkpoint (signed note) that commits to its root. */
    record InclusionProof(long logIndex, long treeSize, byte[] rootHash, List<byte[]> hashes, String checkpoint) {
    }

    Instant integrated() {
        return Instant.ofEpochSecond(integratedTime);
    }

    static RekorEntry parse(JsonNode e, int i) throws OmsException {
        String where = "verificationMaterial.tlogEntries[" + i + "]";
        if (!e.isObject()) {
            throw OmsException.badInput(where + " is not a JSON object");
        }
        long index = number(e, "logIndex", where);
        byte[] logId = OmsJson.base64(OmsJson.text(OmsJson.object(e, "logId", where), "keyId", where + ".logId"),
                where + ".logId.keyId");
        JsonNode kv = OmsJson.object(e, "kindVersion", where);
        String kind = OmsJson.text(kv, "kind", where + ".kindVersion");
        String version = OmsJson.text(kv, "version", where + ".kindVersion");
        long time = number(e, "integratedTime", where);
        byte[] set = null;
        JsonNode promise = e.get("inclusionPromise");
        if (promise != null && !promise.isNull()) {
            set = OmsJson.base64(OmsJson.text(promise, "signedEntryTimestamp", where + ".inclusionPromise"),
                    where + ".inclusionPromise.signedEntryTimestamp");
        }
        InclusionProof proof = null;
        JsonNode p = e.get("inclusionProof");
        if (p != null && !p.isNull()) {
            String pw = where + ".inclusionProof";
            List<byte[]> hashes = new ArrayList<>();
            JsonNode hs = p.get("hashes");
            if (hs == null || !hs.isArray()) {
                throw OmsException.badInput(pw + " has no 'hashes' array");
            }
            for (int j = 0; j < hs.size(); j++) {
                if (!hs.get(j).isTextual()) {
                    throw OmsException.badInput(pw + ".hashes[" + j + "] is not a string");
                }
                hashes.add(OmsJson.base64(hs.get(j).textValue(), pw + ".hashes[" + j + "]"));
            }
            JsonNode cp = p.get("checkpoint");
            String envelope = cp == null || cp.isNull() ? null : OmsJson.text(cp, "envelope", pw + ".checkpoint");
            proof = new InclusionProof(number(p, "logIndex", pw), number(p, "treeSize", pw),
                    OmsJson.base64(OmsJson.text(p, "rootHash", pw), pw + ".rootHash"), hashes, envelope);
        }
        byte[] body = OmsJson.base64(OmsJson.text(e, "canonicalizedBody", where), where + ".canonicalizedBody");
        return new RekorEntry(index, logId, kind, version, time, set, proof, body);
    }

    /** protobuf-JSON writes int64 as a string; a number is accepted too. */
    private static long number(JsonNode parent, String field, String where) throws OmsException {
        JsonNode n = parent.get(field);
        if (n != null && n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        if (n != null && n.isTextual()) {
            try {
                long v = Long.parseLong(n.textValue());
                if (v >= 0) {
                    return v;
                }
            } catch (NumberFormatException x) {
                // reported below
            }
        }
        throw OmsException.badInput(where + "." + field + " is missing or not a whole number");
    }

    /** The bytes the log signed as the entry timestamp: Rekor's canonical JSON of body, time, log id and index. */
    byte[] setPayload() {
        return ("{\"body\":\"" + Base64.getEncoder().encodeToString(body) + "\",\"integratedTime\":" + integratedTime
                + ",\"logID\":\"" + HexFormat.of().formatHex(logId) + "\",\"logIndex\":" + logIndex + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 6962 leaf hash of the entry body. */
    byte[] leafHash() {
        MessageDigest md = Sha256.newDigest();
        md.update((byte) 0);
        md.update(body);
        return md.digest();
    }

    /** The root an inclusion proof leads to (RFC 9162 2.1.3.2), or null when the proof is malformed. */
    static byte[] rootFromProof(long index, long size, byte[] leaf, List<byte[]> proof) {
        if (index < 0 || index >= size) {
            return null;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leaf;
        for (byte[] p : proof) {
            if (sn == 0 || p.length != 32) {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = node(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = node(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    static byte[] node(byte[] left, byte[] right) {
        MessageDigest md = Sha256.newDigest();
        md.update((byte) 1);
        md.update(left);
        md.update(right);
        return md.digest();
    }

    /** Whether {@code proof} puts this entry's body in the tree whose root it names. */
    boolean proofHolds() {
        byte[] root = rootFromProof(proof.logIndex(), proof.treeSize(), leafHash(), proof.hashes());
        return root != null && Arrays.equals(root, proof.rootHash());
    }
}
