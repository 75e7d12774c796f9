package dev.modelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.scan.Fixtures;
import dev.modelgate.scan.Fixtures.ZipMember;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelgate scan} as a user runs it: verdicts, JSON shape and the exit codes 0, 1 and 2. */
class ScanCommandTest {

    @TempDir
    Path tmp;

    Path write(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
        return p;
    }

    @Test
    void benignFolderExitsZero() throws IOException {
        write("models/state.pkl", Fixtures.torchLikeStateDict());
        write("models/sub/m.pt", Fixtures.zip(new ZipMember("archive/data.pkl", Fixtures.torchLikeStateDict())));
        CliRun r = CliRun.of("scan", tmp.resolve("models").toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("benign") && r.out().contains("2 file(s)"), r::toString);
    }

    @Test
    void aHubDownloadIsScannedAsApproveAndSignSeeItWhileNamedFilesAreScannedAsGiven() throws Exception {
        // What `hf download --local-dir` and `sign` leave beside the weights: git and huggingface_hub metadata
        write("hub/.gitattributes", "*.pkl filter=lfs diff=lfs merge=lfs -text\n".getBytes());
        write("hub/.cache/huggingface/.gitignore", "*\n".getBytes());
        write("hub/.cache/huggingface/download/state.pkl.metadata", "0123abcd\n0123abcd\n1700000000.0\n"
                .getBytes());
        write("hub/model.sig", "{\"mediaType\": \"application/vnd.dev.sigstore.bundle.v0.3+json\"}".getBytes());
        write("hub/state.pkl", Fixtures.torchLikeStateDict());
        // Only the folder's root is left out: the same names deeper down are files of the model.
        Path nested = write("hub/sub/.cache/huggingface/x.pkl", Fixtures.call("posix", "system", "id"));

        CliRun r = CliRun.of("scan", "--json", tmp.resolve("hub").toString());
        JsonNode files = Json.MAPPER.readTree(r.out()).get("files");
        java.util.List<String> paths = new java.util.ArrayList<>();
        files.forEach(f -> paths.add(f.get("path").asText()));
        assertEquals(2, paths.size(), r::toString);
        assertTrue(paths.get(0).endsWith("state.pkl") && paths.get(1).endsWith("sub/.cache/huggingface/x.pkl"),
                paths::toString);
        assertEquals(1, r.exitCode(), "the nested pickle is still judged: " + r);

        Files.delete(nested);
        CliRun clean = CliRun.of("scan", "--fail-on", "MEDIUM", tmp.resolve("hub").toString());
        assertEquals(0, clean.exitCode(), clean::toString);
        assertTrue(clean.out().contains("1 file(s)") && !clean.out().contains(".gitattributes"), clean::toString);

        // A file named on the command line is scanned whatever its name.
        CliRun named = CliRun.of("scan", "--json", tmp.resolve("hub/.gitattributes").toString(),
                tmp.resolve("hub/.cache/huggingface/download/state.pkl.metadata").toString());
        assertEquals(2, Json.MAPPER.readTree(named.out()).get("files").size(), named::toString);
    }

    @Test
    void maliciousFileExitsOneAndJsonNamesTheMember() throws Exception {
        write("m/evil.pt", Fixtures.zip(new ZipMember("archive/data.pkl", Fixtures.call("posix", "system", "id"))));
        write("m/ok.pkl", Fixtures.torchLikeStateDict());
        CliRun r = CliRun.of("scan", "--json", tmp.resolve("m").toString());
        assertEquals(1, r.exitCode(), r::toString);
        JsonNode doc = Json.MAPPER.readTree(r.out());
        JsonNode evil = doc.get("files").get(0);
        assertEquals("malicious", evil.get("verdict").asText());
        assertEquals("pytorch", evil.get("format").asText());
        JsonNode member = evil.get("members").get(0);
        assertTrue(member.get("path").asText().endsWith("evil.pt:archive/data.pkl"), member::toString);
        JsonNode finding = member.get("findings").get(0);
        assertEquals("CRITICAL", finding.get("severity").asText());
        assertEquals("posix", finding.get("module").asText());
        assertEquals("system", finding.get("name").asText());
        assertTrue(finding.get("offset").isNumber());
        assertEquals("benign", doc.get("files").get(1).get("verdict").asText());
        assertEquals(1, doc.get("summary").get("exitCode").asInt());
    }

    @Test
    void failOnDecidesWhatCounts() throws IOException {
        // an unknown global is refused (allowlist-first) unless a reviewed exception accepts it
        Path unknown = write("net.pkl", Fixtures.call("my_company.models", "Net", "x"));
        assertEquals(1, CliRun.of("scan", unknown.toString()).exitCode());
        CliRun accepted = CliRun.of("scan", "--allow-global", "my_company.models.Net", unknown.toString());
        assertEquals(0, accepted.exitCode(), accepted::toString);
        assertTrue(accepted.out().contains("benign"), accepted::toString);
        assertEquals(1, CliRun.of("scan", "--allow-global", "posix.system",
                write("sys.pkl", Fixtures.call("posix", "system", "id")).toString()).exitCode());
        assertEquals(2, CliRun.of("scan", "--allow-global", "my_company.*", unknown.toString()).exitCode());
        // MEDIUM: the same global inside a pickle held as bytes (data until something loads it)
        Path p = write("x.pkl", Fixtures.embedded(Fixtures.call("my_company.models", "Net", "x")));
        assertEquals(0, CliRun.of("scan", p.toString()).exitCode());
        CliRun medium = CliRun.of("scan", "--fail-on", "MEDIUM", p.toString());
        assertEquals(1, medium.exitCode(), medium::toString);
        assertTrue(medium.out().contains("suspicious"), medium::toString);
    }

    @Test
    void unparseableFileExitsTwoAndTheOthersAreStillScanned() throws IOException {
        Path bad = write("a/broken.pt", new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Path ok = write("a/ok.pkl", Fixtures.torchLikeStateDict());
        CliRun r = CliRun.of("scan", bad.toString(), ok.toString(), tmp.resolve("missing.pt").toString());
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.out().contains("invalid") && r.out().contains("ok.pkl") && r.out().contains("missing.pt"),
                r::toString);
        Path evil = write("a/evil.pkl", Fixtures.call("os", "system", "id"));
        assertEquals(1, CliRun.of("scan", bad.toString(), evil.toString()).exitCode(),
                "a finding at or above --fail-on outranks an unparseable file");
    }
}
