package dev.modelgate.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parts of a Sigstore {@code trusted_root.json} (media type {@code application/vnd.dev.sigstore.trustedroot+json})
 * that offline keyless verification needs: the transparency logs' keys and the Fulcio certificate authorities, each
 * with its validity window. Timestamp authorities and CT logs are read past (see docs/signing.md).
 *
 * @param tlogs transparency logs (Rekor)
 * @param cas   certificate authorities (Fulcio), chain as listed: intermediates first, root last
 */
public record SigstoreTrustedRoot(List<Tlog> tlogs, List<CertificateAuthority> cas) {

    /** Where a trusted root shipped with ModelGate would lie on the class path. */
    public static final String SHIPPED = "dev/modelgate/signing/sigstore-trusted-root.json";

    /** A transparency log: its key id (SHA-256 of the DER key), key and window (end null: open). */
    public record Tlog(byte[] logId, PublicKey key, Instant start, Instant end, String baseUrl) {
        boolean validAt(Instant t) {
            return !t.isBefore(start) && (end == null || !t.isAfter(end));
        }
    }

    /** A certificate authority: its chain (root last) and window. */
    public record CertificateAuthority(List<X509Certificate> chain, Instant start, Instant end, String uri) {
        boolean validAt(Instant t) {
            return !t.isBefore(start) && (end == null || !t.isAfter(end));
        }
    }

    public SigstoreTrustedRoot {
        tlogs = List.copyOf(tlogs);
        cas = List.copyOf(cas);
    }

    Tlog tlog(byte[] logId) {
        for (Tlog t : tlogs) {
            if (Arrays.equals(t.logId(), logId)) {
                return t;
            }
        }
        return null;
    }

    /** The shipped root, or null when this build ships none. */
    static SigstoreTrustedRoot shipped() throws OmsException {
        try (InputStream in = SigstoreTrustedRoot.class.getClassLoader().getResourceAsStream(SHIPPED)) {
            return in == null ? null : parse(in.readAllBytes());
        } catch (IOException e) {
            throw OmsException.badInput("the shipped Sigstore trusted root cannot be read: " + e.getMessage());
        }
    }

    public static SigstoreTrustedRoot parse(String json) throws OmsException {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses a trusted root; every problem is bad input naming the field. */
    public static SigstoreTrustedRoot parse(byte[] json) throws OmsException {
        ObjectNode root = OmsJson.readObject(json, "the Sigstore trusted root");
        String media = root.path("mediaType").asText("");
        if (!media.startsWith("application/vnd.dev.sigstore.trustedroot")) {
            throw OmsException.badInput("the Sigstore trusted root's mediaType '" + media
                    + "' is not application/vnd.dev.sigstore.trustedroot+json");
        }
        List<Tlog> tlogs = new ArrayList<>();
        JsonNode tl = root.get("tlogs");
        if (tl == null || !tl.isArray() || tl.isEmpty()) {
            throw OmsException.badInput("the Sigstore trusted root lists no transparency logs (tlogs)");
        }
        for (int i = 0; i < tl.size(); i++) {
            String where = "trusted root tlogs[" + i + "]";
            JsonNode t = tl.get(i);
            JsonNode pk = OmsJson.object(t, "publicKey", where);
            byte[] der = OmsJson.base64(OmsJson.text(pk, "rawBytes", where + ".publicKey"), where + ".publicKey.rawBytes");
            PublicKey key;
            try {
                key = EcKeys.readPublicKey(der);
            } catch (OmsException e) {
                throw OmsException.badInput(where + ".publicKey: " + e.getMessage());
            }
            byte[] logId = OmsJson.base64(OmsJson.text(OmsJson.object(t, "logId", where), "keyId", where + ".logId"),
                    where + ".logId.keyId");
            Instant[] w = window(pk.get("validFor"), where + ".publicKey.validFor");
            tlogs.add(new Tlog(logId, key, w[0], w[1], t.path("baseUrl").asText("")));
        }
        List<CertificateAuthority> cas = new ArrayList<>();
        JsonNode ca = root.get("certificateAuthorities");
        if (ca == null || !ca.isArray() || ca.isEmpty()) {
            throw OmsException.badInput("the Sigstore trusted root lists no certificate authorities");
        }
        for (int i = 0; i < ca.size(); i++) {
            String where = "trusted root certificateAuthorities[" + i + "]";
            JsonNode c = ca.get(i);
            JsonNode certs = OmsJson.object(c, "certChain", where).get("certificates");
            if (certs == null || !certs.isArray() || certs.isEmpty()) {
                throw OmsException.badInput(where + ".certChain has no certificates");
            }
            List<X509Certificate> chain = new ArrayList<>();
            for (int j = 0; j < certs.size(); j++) {
                String w = where + ".certChain.certificates[" + j + "]";
                chain.add(X509.parse(OmsJson.base64(OmsJson.text(certs.get(j), "rawBytes", w), w + ".rawBytes"), w));
            }
            Instant[] w = window(c.get("validFor"), where + ".validFor");
            cas.add(new CertificateAuthority(chain, w[0], w[1], c.path("uri").asText("")));
        }
        return new SigstoreTrustedRoot(tlogs, cas);
    }

    private static Instant[] window(JsonNode validFor, String where) throws OmsException {
        if (validFor == null || !validFor.isObject() || !validFor.hasNonNull("start")) {
            throw OmsException.badInput(where + " has no start time");
        }
        try {
            Instant start = Instant.parse(validFor.get("start").asText());
            Instant end = validFor.hasNonNull("end") ? Instant.parse(validFor.get("end").asText()) : null;
            return new Instant[] {start, end};
        } catch (DateTimeParseException e) {
            throw OmsException.badInput(where + " holds a time that is not RFC 3339: " + e.getParsedString());
        }
    }
}
