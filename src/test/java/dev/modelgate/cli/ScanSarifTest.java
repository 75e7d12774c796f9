package dev.modelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.scan.Fixtures;
import dev.modelgate.scan.Fixtures.ZipMember;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelgate scan --sarif}: the shape SARIF 2.1.0 consumers rely on. */
class ScanSarifTest {

    @TempDir
    Path tmp;

    @Test
    void sarifLogHasTheShapeCodeScanningExpects() throws IOException {
        Path dir = tmp.resolve("m");
        Files.createDirectories(dir);
        Files.write(dir.resolve("evil.pt"), Fixtures.zip(new ZipMember("archive/data.pkl",
                Fixtures.call("posix", "system", "id"))));
        Files.write(dir.resolve("bad.pkl"), Fixtures.call("builtins", "eval", "1"));
        Files.write(dir.resolve("broken.pt"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Files.write(dir.resolve("ok.pkl"), Fixtures.torchLikeStateDict());
        CliRun r = CliRun.of("scan", "--sarif", dir.toString());
        assertEquals(1, r.exitCode(), r::toString);
        JsonNode log = Json.MAPPER.readTree(r.out());
        assertEquals("2.1.0", log.path("version").asText());
        assertEquals("https://json.schemastore.org/sarif-2.1.0.json", log.path("$schema").asText());
        assertEquals(1, log.path("runs").size());
        JsonNode run = log.path("runs").get(0);
        JsonNode driver = run.path("tool").path("driver");
        assertEquals("modelgate", driver.path("name").asText());
        JsonNode rules = driver.path("rules");
        assertTrue(rules.isArray() && rules.size() > 0);
        Set<String> ids = new HashSet<>();
        for (JsonNode rule : rules) {
            assertTrue(ids.add(rule.path("id").asText()), "rule ids are unique: " + rule);
            assertFalse(rule.path("shortDescription").path("text").asText().isBlank());
            assertTrue(Set.of("error", "warning", "note").contains(rule.path("defaultConfiguration").path("level").asText()));
        }
        JsonNode results = run.path("results");
        assertEquals(3, results.size(), results::toPrettyString); // the benign file has no result
        for (JsonNode res : results) {
            String ruleId = res.path("ruleId").asText();
            assertTrue(ids.contains(ruleId), ruleId);
            assertEquals(ruleId, rules.get(res.path("ruleIndex").asInt()).path("id").asText());
            assertTrue(Set.of("error", "warning", "note").contains(res.path("level").asText()), res::toString);
            assertFalse(res.path("message").path("text").asText().isBlank());
            String uri = res.path("locations").get(0).path("physicalLocation").path("artifactLocation").path("uri").asText();
            assertTrue(uri.startsWith("file:///") && uri.contains("/m/"), uri);
        }
        JsonNode evil = find(results, "evil.pt");
        assertEquals("import/critical", evil.path("ruleId").asText());
        assertEquals("error", evil.path("level").asText());
        assertTrue(evil.path("message").path("text").asText().startsWith("posix.system: "), evil::toString);
        assertTrue(evil.path("message").path("text").asText().endsWith("(in member archive/data.pkl)"), evil::toString);
        assertEquals("archive/data.pkl", evil.path("locations").get(0).path("logicalLocations").get(0).path("name").asText());
        JsonNode bad = find(results, "bad.pkl");
        assertTrue(bad.path("locations").get(0).path("physicalLocation").path("region").path("byteOffset").isNumber(),
                "a finding in the file itself carries its byte offset");
        assertEquals("unparseable", find(results, "broken.pt").path("ruleId").asText());
        assertEquals("warning", find(results, "broken.pt").path("level").asText());
    }

    @Test
    void relativePathsStayRelativeAndJsonWithSarifIsBadInput() throws IOException {
        assertEquals("models/a%20b.pt", ScanSarif.uri(Path.of("models/a b.pt")));
        CliRun both = CliRun.of("scan", "--json", "--sarif", tmp.toString());
        assertEquals(2, both.exitCode(), both::toString);
        assertTrue(both.err().contains("--json and --sarif are two output formats: choose one"), both::toString);
    }

    static JsonNode find(JsonNode results, String file) {
        for (JsonNode r : results) {
            if (r.path("locations").get(0).path("physicalLocation").path("artifactLocation").path("uri").asText()
                    .endsWith("/" + file)) {
                return r;
            }
        }
        throw new AssertionError("no result for " + file + " in " + results.toPrettyString());
    }
}
