package dev.modelgate.signing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.integrity.Sha256;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private Sigstore made in the test: a Fulcio-like CA (root + intermediate), a Rekor-like log key, and keyless
 * bundles whose certificates, log entries, signed entry timestamps, inclusion proofs and checkpoints are built here,
 * so every keyless behaviour is covered without ../shared. Options let a test break exactly one thing.
 */
final class KeylessKit {

    static final Instant T = Instant.parse("2026-05-20T10:00:00Z");
    static final String SAN = "release@example.com";
    static final String ISSUER = "https://issuer.example.com";

    final CertificateKit.Issued fulcioRoot;
    final CertificateKit.Issued fulcio;
    final KeyPair rekor = EcKeys.generate(EcKeys.Curve.P256);
    final byte[] logId;

    KeylessKit() throws Exception {
        fulcioRoot = CertificateKit.root("CN=test-fulcio-root,O=example");
        fulcio = CertificateKit.intermediate(fulcioRoot, "CN=test-fulcio-intermediate,O=example");
        logId = Sha256.newDigest().digest(rekor.getPublic().getEncoded());
    }

    /** What to build; each field breaks or varies one thing. */
    static final class Options {
        String san = SAN;
        String issuer = ISSUER;
        Instant certFrom = T.minusSeconds(60);
        Instant certUntil = T.plusSeconds(600);
        boolean inclusionProof = true;
        boolean set = true;
        String kind = "dsse";
        Consumer<ObjectNode> editBody = b -> { };
        String checkpointSize = null; // null: the real tree size
        PrivateKey checkpointKey = null; // null: the log's key
    }

    /** The trusted root JSON naming this kit's log and CA, valid from {@code caFrom}. */
    String trustedRoot(Instant caFrom, Instant caUntil) throws Exception {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode r = f.objectNode();
        r.put("mediaType", "application/vnd.dev.sigstore.trustedroot+json;version=0.1");
        ObjectNode tlog = r.putArray("tlogs").addObject();
        tlog.put("baseUrl", "https://log.example.com");
        tlog.put("hashAlgorithm", "SHA2_256");
        ObjectNode pk = tlog.putObject("publicKey");
        pk.put("rawBytes", Base64.getEncoder().encodeToString(rekor.getPublic().getEncoded()));
        pk.put("keyDetails", "PKIX_ECDSA_P256_SHA_256");
        pk.putObject("validFor").put("start", "2020-01-01T00:00:00Z");
        tlog.putObject("logId").put("keyId", Base64.getEncoder().encodeToString(logId));
        ObjectNode ca = r.putArray("certificateAuthorities").addObject();
        ca.put("uri", "https://fulcio.example.com");
        ArrayNode certs = ca.putObject("certChain").putArray("certificates");
        certs.addObject().put("rawBytes", Base64.getEncoder().encodeToString(fulcio.cert().getEncoded()));
        certs.addObject().put("rawBytes", Base64.getEncoder().encodeToString(fulcioRoot.cert().getEncoded()));
        ObjectNode valid = ca.putObject("validFor");
        valid.put("start", caFrom.toString());
        if (caUntil != null) {
            valid.put("end", caUntil.toString());
        }
        r.putArray("ctlogs");
        r.putArray("timestampAuthorities");
        return OmsJson.MAPPER.writeValueAsString(r);
    }

    KeylessVerifier verifier(String san, String issuer) throws Exception {
        return new KeylessVerifier(SigstoreTrustedRoot.parse(trustedRoot(Instant.parse("2021-01-01T00:00:00Z"), null)),
                List.of(new KeylessVerifier.Identity(san, issuer)));
    }

    /** Signs {@code dir} (DIR/model.sig) as a keyless signer logged at {@link #T}. */
    void sign(Path dir, Options o) throws Exception {
        OmsStatement st = OmsSigner.statement(dir, dir.resolve("model.sig"), OmsSigner.Options.files());
        byte[] payload = st.toJsonBytes();
        KeyPair ephemeral = EcKeys.generate(EcKeys.Curve.P256);
        X509Certificate leaf = leaf(ephemeral, o);
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(ephemeral.getPrivate());
        s.update(Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload));
        byte[] sig = s.sign();

        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode body = f.objectNode();
        body.put("apiVersion", "0.0.1");
        body.put("kind", o.kind);
        ObjectNode spec = body.putObject("spec");
        spec.putObject("envelopeHash").put("algorithm", "sha256").put("value", "0".repeat(64));
        spec.putObject("payloadHash").put("algorithm", "sha256")
                .put("value", HexFormat.of().formatHex(Sha256.newDigest().digest(payload)));
        String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(leaf.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        ObjectNode logged = spec.putArray("signatures").addObject();
        logged.put("signature", Base64.getEncoder().encodeToString(sig));
        logged.put("verifier", Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)));
        o.editBody.accept(body);
        byte[] bodyBytes = OmsJson.MAPPER.writeValueAsBytes(body);

        long logIndex = 4242;
        RekorEntry forSet = new RekorEntry(logIndex, logId, o.kind, "0.0.1", T.getEpochSecond(), null, null, bodyBytes);
        ObjectNode bundle = f.objectNode();
        bundle.put("mediaType", OmsBundle.MEDIA_TYPE);
        ObjectNode vm = bundle.putObject("verificationMaterial");
        vm.putObject("certificate").put("rawBytes", Base64.getEncoder().encodeToString(leaf.getEncoded()));
        ObjectNode e = vm.putArray("tlogEntries").addObject();
        e.put("logIndex", Long.toString(logIndex));
        e.putObject("logId").put("keyId", Base64.getEncoder().encodeToString(logId));
        e.putObject("kindVersion").put("kind", o.kind).put("version", "0.0.1");
        e.put("integratedTime", Long.toString(T.getEpochSecond()));
        if (o.set) {
            e.putObject("inclusionPromise").put("signedEntryTimestamp",
                    Base64.getEncoder().encodeToString(ecdsa(rekor.getPrivate(), forSet.setPayload())));
        }
        if (o.inclusionProof) {
            List<byte[]> leaves = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                leaves.add(i == 2 ? bodyBytes : ("other entry " + i).getBytes(StandardCharsets.US_ASCII));
            }
            List<byte[]> hashes = new ArrayList<>();
            for (byte[] l : leaves) {
                hashes.add(leafHash(l));
            }
            byte[] root = treeHash(hashes);
            ObjectNode p = e.putObject("inclusionProof");
            p.put("logIndex", "2");
            p.put("rootHash", Base64.getEncoder().encodeToString(root));
            p.put("treeSize", "7");
            ArrayNode path = p.putArray("hashes");
            for (byte[] h : auditPath(2, hashes)) {
                path.add(Base64.getEncoder().encodeToString(h));
            }
            String text = "log.example.com - 1\n" + (o.checkpointSize == null ? "7" : o.checkpointSize) + "\n"
                    + Base64.getEncoder().encodeToString(root) + "\n";
            byte[] cpSig = ecdsa(o.checkpointKey == null ? rekor.getPrivate() : o.checkpointKey,
                    text.getBytes(StandardCharsets.UTF_8));
            byte[] signed = new byte[4 + cpSig.length];
            System.arraycopy(logId, 0, signed, 0, 4);
            System.arraycopy(cpSig, 0, signed, 4, cpSig.length);
            p.putObject("checkpoint").put("envelope", text + "\n\u2014 log.example.com "
                    + Base64.getEncoder().encodeToString(signed) + "\n");
        }
        e.put("canonicalizedBody", Base64.getEncoder().encodeToString(bodyBytes));
        ObjectNode env = bundle.putObject("dsseEnvelope");
        env.put("payload", Base64.getEncoder().encodeToString(payload));
        env.put("payloadType", Dsse.IN_TOTO_PAYLOAD_TYPE);
        env.putArray("signatures").addObject().put("sig", Base64.getEncoder().encodeToString(sig));
        Files.write(dir.resolve("model.sig"), OmsJson.MAPPER.writeValueAsBytes(bundle));
    }

    private X509Certificate leaf(KeyPair kp, Options o) throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                X500Name.getInstance(fulcio.cert().getSubjectX500Principal().getEncoded()), BigInteger.valueOf(77),
                Date.from(o.certFrom), Date.from(o.certUntil), new X500Name(new org.bouncycastle.asn1.x500.RDN[0]),
                kp.getPublic());
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
        b.addExtension(Extension.subjectAlternativeName, true,
                new GeneralNames(new GeneralName(GeneralName.rfc822Name, o.san)));
        if (o.issuer != null) {
            b.addExtension(new ASN1ObjectIdentifier(KeylessVerifier.ISSUER_V2), false, new DERUTF8String(o.issuer));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(fulcio.key().getPrivate())));
    }

    static byte[] ecdsa(PrivateKey key, byte[] data) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update(data);
        return s.sign();
    }

    static byte[] leafHash(byte[] data) {
        var md = Sha256.newDigest();
        md.update((byte) 0);
        md.update(data);
        return md.digest();
    }

    /** RFC 6962 MTH, written from the definition (independent of the verifier's iterative proof check). */
    static byte[] treeHash(List<byte[]> leafHashes) {
        if (leafHashes.size() == 1) {
            return leafHashes.get(0);
        }
        int k = Integer.highestOneBit(leafHashes.size() - 1);
        return RekorEntry.node(treeHash(leafHashes.subList(0, k)), treeHash(leafHashes.subList(k, leafHashes.size())));
    }

    /** RFC 6962 PATH(m, D), from the definition. */
    static List<byte[]> auditPath(int m, List<byte[]> leafHashes) {
        List<byte[]> out = new ArrayList<>();
        if (leafHashes.size() <= 1) {
            return out;
        }
        int k = Integer.highestOneBit(leafHashes.size() - 1);
        if (m < k) {
            out.addAll(auditPath(m, leafHashes.subList(0, k)));
            out.add(treeHash(leafHashes.subList(k, leafHashes.size())));
        } else {
            out.addAll(auditPath(m - k, leafHashes.subList(k, leafHashes.size())));
            out.add(treeHash(leafHashes.subList(0, k)));
        }
        return out;
    }

    static boolean same(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }
}
