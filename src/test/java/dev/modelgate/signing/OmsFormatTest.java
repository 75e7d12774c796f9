package dev.modelgate.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.integrity.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing of bundles and statements: the accepted forms, and a clear bad-input sentence for everything else. */
class OmsFormatTest {

    private static final String STATEMENT = """
            {"_type": "https://in-toto.io/Statement/v1",
             "subject": [{"name": "m", "digest": {"sha256": "%s"}}],
             "predicateType": "https://model_signing/signature/v1.0",
             "predicate": {"serialization": {%s},
               "resources": [%s]}}""";

    private static String statement(String serialization, String resources) {
        return STATEMENT.formatted("0".repeat(64), serialization, resources);
    }

    private static String bundle(String verificationMaterial, String signatures) {
        String payload = Base64.getEncoder().encodeToString(statement(
                "\"method\": \"files\", \"hash_type\": \"sha256\", \"allow_symlinks\": false", "").getBytes(
                StandardCharsets.UTF_8));
        return """
                {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
                 "verificationMaterial": %s,
                 "dsseEnvelope": {"payload": "%s", "payloadType": "application/vnd.in-toto+json",
                   "signatures": %s}}""".formatted(verificationMaterial, payload, signatures);
    }

    private static final String HINT = "{\"publicKey\": {\"hint\": \"abcd\"}, \"tlogEntries\": []}";

    private static OmsException badBundle(String json) {
        OmsException e = assertThrows(OmsException.class, () -> OmsBundle.parse(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Outcome.BAD_INPUT, e.outcome(), e::getMessage);
        return e;
    }

    private static OmsException badStatement(String json) {
        OmsException e = assertThrows(OmsException.class,
                () -> OmsStatement.parse(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Outcome.BAD_INPUT, e.outcome(), e::getMessage);
        return e;
    }

    @Test
    void paeIsTheDsseEncoding() {
        // The example of the DSSE protocol document.
        assertArrayEquals("DSSEv1 29 http://example.com/HelloWorld 11 hello world".getBytes(StandardCharsets.US_ASCII),
                Dsse.pae("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.US_ASCII)));
        // Lengths count bytes, not characters.
        assertArrayEquals("DSSEv1 1 t 2 é".getBytes(StandardCharsets.UTF_8),
                Dsse.pae("t", "é".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void keyIdMayBeAbsentNullOrEmpty() throws Exception {
        assertNull(OmsBundle.parse(bundle(HINT, "[{\"sig\": \"AAAA\"}]").getBytes(StandardCharsets.UTF_8)).keyId());
        assertNull(OmsBundle.parse(bundle(HINT, "[{\"sig\": \"AAAA\", \"keyid\": null}]")
                .getBytes(StandardCharsets.UTF_8)).keyId());
        assertEquals("", OmsBundle.parse(bundle(HINT, "[{\"sig\": \"AAAA\", \"keyid\": \"\"}]")
                .getBytes(StandardCharsets.UTF_8)).keyId());
        OmsBundle b = OmsBundle.parse(bundle(HINT, "[{\"sig\": \"AAAA\"}]").getBytes(StandardCharsets.UTF_8));
        assertEquals("abcd", assertInstanceOf(OmsBundle.PublicKeyHint.class, b.material()).hint());
        assertArrayEquals(new byte[3], b.signature());
    }

    @Test
    void malformedBundlesSayWhatIsWrong() {
        assertTrue(badBundle("").getMessage().contains("is empty"));
        assertTrue(badBundle("   ").getMessage().contains("is empty"));
        assertTrue(badBundle("{\"mediaType\": ").getMessage().contains("not valid JSON"));
        assertTrue(badBundle("[1]").getMessage().contains("not a JSON object"));
        assertTrue(badBundle("{\"a\": 1} {\"b\": 2}").getMessage().contains("not valid JSON"));
        assertTrue(badBundle("{\"mediaType\": \"x\", \"mediaType\": \"y\"}").getMessage().contains("Duplicate"));
        assertTrue(badBundle(bundle(HINT, "[{\"sig\": \"AAAA\"}]").replace("v0.3+json", "v0.1+json")).getMessage()
                .contains("mediaType"));
        assertTrue(badBundle(bundle(HINT, "[{\"sig\": \"AAAA\"}]").replace("in-toto+json", "in-toto+cbor"))
                .getMessage().contains("payloadType"));
        assertTrue(badBundle(bundle(HINT, "[]")).getMessage().contains("has 0 signatures"));
        assertTrue(badBundle(bundle(HINT, "[{\"sig\": \"AAAA\"}, {\"sig\": \"AAAA\"}]")).getMessage()
                .contains("has 2 signatures"));
        assertTrue(badBundle(bundle(HINT, "[{\"sig\": \"\"}]")).getMessage().contains("is empty"));
        assertTrue(badBundle(bundle(HINT, "[{\"sig\": 5}]")).getMessage().contains("not a string"));
        assertTrue(badBundle(bundle("{}", "[{\"sig\": \"AAAA\"}]")).getMessage().contains("has no publicKey"));
        assertTrue(badBundle(bundle("{\"publicKey\": {}}", "[{\"sig\": \"AAAA\"}]")).getMessage()
                .contains("exactly one of 'hint' and 'rawBytes'"));
        assertTrue(badBundle(bundle("{\"certificate\": {\"rawBytes\": \"AAAA\"}}", "[{\"sig\": \"AAAA\"}]"))
                .getMessage().contains("transparency log entry"));
        assertTrue(badBundle("{\"mediaType\": \"application/vnd.dev.sigstore.bundle.v0.3+json\", "
                + "\"verificationMaterial\": " + HINT + "}").getMessage().contains("no 'dsseEnvelope'"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"AAA=A", "A", "ewogICJfdHlwZSI6@", "not base64!"})
    void truncatedOrCorruptBase64IsACleanError(String sig) {
        OmsException e = badBundle(bundle(HINT, "[{\"sig\": \"" + sig + "\"}]"));
        assertTrue(e.getMessage().contains("dsseEnvelope.signatures[0].sig is not valid base64"), e::getMessage);
    }

    @Test
    void truncatedPayloadIsACleanError() throws Exception {
        String full = bundle(HINT, "[{\"sig\": \"AAAA\"}]");
        int at = full.indexOf("\"payload\": \"") + 12;
        String cut = full.substring(0, at + 41) + full.substring(full.indexOf('"', at));
        OmsException e = badBundle(cut);
        assertTrue(e.getMessage().contains("dsseEnvelope.payload is not valid base64"), e::getMessage);
        // Cut on a 4-character boundary: decodes, but the statement is then cut JSON.
        String cut4 = full.substring(0, at + 40) + full.substring(full.indexOf('"', at));
        OmsBundle b = OmsBundle.parse(cut4.getBytes(StandardCharsets.UTF_8));
        assertTrue(assertThrows(OmsException.class, () -> OmsStatement.parse(b.payload())).getMessage()
                .contains("the signed statement is not valid JSON"));
    }

    @Test
    void filesStatementParses() throws Exception {
        OmsStatement st = OmsStatement.parse(statement("\"method\": \"files\", \"hash_type\": \"sha256\", "
                + "\"allow_symlinks\": false, \"ignore_paths\": [\".git\", \"docs/README.md\"]",
                "{\"name\": \"a/b.bin\", \"algorithm\": \"sha256\", \"digest\": \"" + "a".repeat(64) + "\", "
                        + "\"annotations\": {\"x\": 1}}").getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(".git", "docs/README.md"), st.serialization().ignorePaths());
        assertEquals("a/b.bin", st.resources().get(0).path());
        assertThrows(OmsException.class, st::requireConsistentSubject);
    }

    @Test
    void shardNamesTakeTheLastTwoColonFieldsAndFloatSizes() throws Exception {
        OmsStatement st = OmsStatement.parse(statement("\"method\": \"shards\", \"hash_type\": \"sha256\", "
                + "\"allow_symlinks\": true, \"shard_size\": 8.0",
                "{\"name\": \"dir/a:b.bin:8:16\", \"algorithm\": \"sha256-sharded-8\", \"digest\": \"" + "a".repeat(64)
                        + "\"}, {\"name\": \"x:0:8\", \"algorithm\": \"sha256\", \"digest\": \"" + "b".repeat(64) + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(8L, st.serialization().shardSize());
        OmsStatement.Resource r = st.resources().get(0);
        assertEquals("dir/a:b.bin", r.path());
        assertEquals(8, r.start());
        assertEquals(16, r.end());
    }

    @Test
    void badStatementsFailClosed() {
        String files = "\"method\": \"files\", \"hash_type\": \"sha256\", \"allow_symlinks\": false";
        String shards = "\"method\": \"shards\", \"hash_type\": \"sha256\", \"allow_symlinks\": false, \"shard_size\": 8";
        String d = "\"digest\": \"" + "a".repeat(64) + "\"";
        assertTrue(badStatement(statement(files, "").replace("Statement/v1", "Statement/v0.1")).getMessage()
                .contains("_type"));
        assertTrue(badStatement(statement(files, "").replace("signature/v1.0", "Digests/v0.1")).getMessage()
                .contains("v0.2"));
        assertTrue(badStatement(statement(files, "").replace("\"subject\": [", "\"subject\": [{\"name\": \"n\", "
                + "\"digest\": {\"sha256\": \"" + "0".repeat(64) + "\"}},")).getMessage().contains("exactly one subject"));
        assertTrue(badStatement(statement(files + ", \"shard_size\": 8", "")).getMessage().contains("only allowed"));
        assertTrue(badStatement(statement(shards.replace(", \"shard_size\": 8", ""), "")).getMessage()
                .contains("shard_size is missing"));
        assertTrue(badStatement(statement(shards.replace("8", "8.5"), "")).getMessage().contains("whole number"));
        assertTrue(badStatement(statement(shards.replace("8", "-8"), "")).getMessage().contains("whole number"));
        assertTrue(badStatement(statement(files.replace("false", "\"false\""), "")).getMessage()
                .contains("allow_symlinks"));
        assertTrue(badStatement(statement(files, "{\"name\": \"a\", \"algorithm\": \"sha256\", " + d + "}, "
                + "{\"name\": \"a\", \"algorithm\": \"sha256\", " + d + "}")).getMessage().contains("listed twice"));
        assertTrue(badStatement(statement(files, "{\"name\": \"a\", \"algorithm\": \"blake3\", " + d + "}"))
                .getMessage().contains("does not match hash_type"));
        assertTrue(badStatement(statement(files, "{\"name\": \"a\", \"algorithm\": \"sha256\", \"digest\": \"ABC\"}"))
                .getMessage().contains("not lower-case hex"));
        assertTrue(badStatement(statement(files, "{\"name\": \"a\", \"algorithm\": \"sha256\", \"digest\": \"abc\"}"))
                .getMessage().contains("64 hex"));
        assertTrue(badStatement(statement(shards, "{\"name\": \"a\", \"algorithm\": \"sha256\", " + d + "}"))
                .getMessage().contains("not path:start:end"));
        assertTrue(badStatement(statement(shards, "{\"name\": \"a:8:0\", \"algorithm\": \"sha256\", " + d + "}"))
                .getMessage().contains("not a range"));
        assertTrue(badStatement(statement(shards, "{\"name\": \"a:0:9\", \"algorithm\": \"sha256\", " + d + "}"))
                .getMessage().contains("not a range"));
        assertTrue(badStatement(statement(shards, "{\"name\": \"a:00:8\", \"algorithm\": \"sha256\", " + d + "}"))
                .getMessage().contains("bad offset"));
        assertTrue(badStatement(statement(shards, "{\"name\": \"a:0:8\", \"algorithm\": \"sha256-sharded-9\", " + d
                + "}")).getMessage().contains("does not match hash_type"));
        assertTrue(badStatement(statement(shards, "{\"name\": \"../a:0:8\", \"algorithm\": \"sha256\", " + d + "}"))
                .getMessage().contains("'..'"));
    }

    @Test
    void shardsMustTileTheirFile() {
        OmsStatement.Resource a = OmsStatement.Resource.shard("f", 0, 8, "sha256", "a".repeat(64));
        OmsStatement.Resource b = OmsStatement.Resource.shard("f", 8, 12, "sha256", "a".repeat(64));
        OmsStatement.Resource gap = OmsStatement.Resource.shard("f", 9, 12, "sha256", "a".repeat(64));
        OmsStatement.Resource shortFirst = OmsStatement.Resource.shard("f", 0, 7, "sha256", "a".repeat(64));
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> ShardCheck.requireTiling("f", List.of(b, a), 8));
        assertThrows(OmsException.class, () -> ShardCheck.requireTiling("f", List.of(a, gap), 8));
        assertThrows(OmsException.class, () -> ShardCheck.requireTiling("f", List.of(shortFirst, b), 8));
        assertThrows(OmsException.class, () -> ShardCheck.requireTiling("f", List.of(b), 8));
    }

    @Test
    void writerLayoutIsTheReferenceLayout() {
        OmsStatement st = OmsStatement.of("m", new OmsStatement.Serialization("files", "sha256", false, null, List.of()),
                List.of());
        assertEquals("""
                {
                  "_type": "https://in-toto.io/Statement/v1",
                  "subject": [
                    {
                      "name": "m",
                      "digest": {
                        "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
                      }
                    }
                  ],
                  "predicateType": "https://model_signing/signature/v1.0",
                  "predicate": {
                    "serialization": {
                      "method": "files",
                      "hash_type": "sha256",
                      "allow_symlinks": false
                    },
                    "resources": []
                  }
                }""", st.toJson());
    }
}
