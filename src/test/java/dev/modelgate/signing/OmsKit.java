package dev.modelgate.signing;

import static dev.modelgate.integrity.ModelDirs.bytes;
import static dev.modelgate.integrity.ModelDirs.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Shared test fixtures: keys generated in the test, small models, bundles re-signed after an edit. */
final class OmsKit {

    private static final Map<EcKeys.Curve, KeyPair> KEYS = new EnumMap<>(EcKeys.Curve.class);

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private OmsKit() {
    }

    /** One key pair per curve for the whole run (key generation is the slow part). */
    static synchronized KeyPair key(EcKeys.Curve c) {
        return KEYS.computeIfAbsent(c, EcKeys::generate);
    }

    static KeyPair freshKey() {
        return EcKeys.generate(EcKeys.Curve.P256);
    }

    /** A three-file model with a sub-folder; one file spans several 4 KiB shards. */
    static Path model(Path root) throws IOException {
        write(root.resolve("model.safetensors"), bytes(10_000, 7));
        write(root.resolve("config.json"), "{\"layers\": 2}\n".getBytes(StandardCharsets.UTF_8));
        write(root.resolve("tokenizer/vocab.txt"), "a\nb\nc\n".getBytes(StandardCharsets.UTF_8));
        return root;
    }

    static KeyVerifier verifier(TrustedKey... keys) {
        return new KeyVerifier(new KeyTrust(List.of(keys), CLOCK));
    }

    static TrustedKey trusted(String name, KeyPair kp) {
        return TrustedKey.of(name, kp.getPublic());
    }

    /** Signs {@code dir} in place (DIR/model.sig) and returns the bundle path. */
    static Path sign(Path dir, PrivateKey key, OmsSigner.Options o) throws Exception {
        Path bundle = dir.resolve("model.sig");
        OmsStatement st = OmsSigner.statement(dir, bundle, o);
        Files.write(bundle, OmsSigner.sign(st, key));
        return bundle;
    }

    static Path sign(Path dir, PrivateKey key) throws Exception {
        return sign(dir, key, OmsSigner.Options.files());
    }

    static ObjectNode readJson(Path p) throws IOException {
        return (ObjectNode) OmsJson.MAPPER.readTree(Files.readAllBytes(p));
    }

    static ObjectNode payload(ObjectNode bundle) throws IOException {
        return (ObjectNode) OmsJson.MAPPER.readTree(Base64.getDecoder().decode(
                bundle.path("dsseEnvelope").path("payload").asText()));
    }

    /**
     * Edits the bundle's statement with {@code edit} and signs the result again with {@code key}: the signature is
     * valid, so whatever fails afterwards fails because of the edit.
     */
    static void resign(Path bundlePath, PrivateKey key, Consumer<ObjectNode> edit) throws Exception {
        ObjectNode bundle = readJson(bundlePath);
        ObjectNode st = payload(bundle);
        edit.accept(st);
        byte[] payload = OmsJson.write(st).getBytes(StandardCharsets.UTF_8);
        EcKeys.Curve c = EcKeys.curve(EcKeys.publicOf(key));
        Signature s = Signature.getInstance(c.jcaSignature());
        s.initSign(key);
        s.update(Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload));
        ObjectNode env = (ObjectNode) bundle.path("dsseEnvelope");
        env.put("payload", Base64.getEncoder().encodeToString(payload));
        ((ObjectNode) env.path("signatures").get(0)).put("sig", Base64.getEncoder().encodeToString(s.sign()));
        Files.write(bundlePath, OmsJson.MAPPER.writeValueAsBytes(bundle));
    }

    /** Edits the bundle JSON itself, without signing again. */
    static void edit(Path bundlePath, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode bundle = readJson(bundlePath);
        edit.accept(bundle);
        Files.write(bundlePath, OmsJson.MAPPER.writeValueAsBytes(bundle));
    }

    static ObjectNode serialization(ObjectNode statement) {
        return (ObjectNode) statement.path("predicate").path("serialization");
    }

    static ObjectNode resource(ObjectNode statement, int i) {
        return (ObjectNode) statement.path("predicate").path("resources").get(i);
    }

    /** Recomputes the subject digest after the resources were edited. */
    static void fixSubject(ObjectNode statement) {
        try {
            List<OmsStatement.Resource> rs = new java.util.ArrayList<>();
            for (JsonNode r : statement.path("predicate").path("resources")) {
                rs.add(OmsStatement.Resource.file(r.path("name").asText(), "sha256", r.path("digest").asText()));
            }
            ((ObjectNode) statement.path("subject").get(0).path("digest")).put("sha256", OmsStatement.rootDigest(rs));
        } catch (RuntimeException e) {
            throw new AssertionError(e);
        }
    }
}
