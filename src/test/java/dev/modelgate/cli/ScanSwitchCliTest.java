package dev.modelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.integrity.ModelDirs;
import dev.modelgate.scan.Fixtures;
import dev.modelgate.scan.Fixtures.ZipMember;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scanner inside {@code approve} and {@code verify}: refusal, --allow-findings, the summary, --scan. */
class ScanSwitchCliTest {

    static final String EVIL = "checkpoints/evil.pt: the scan found CRITICAL posix.system in member archive/data.pkl (";

    @TempDir
    Path tmp;
    Path models;

    @BeforeEach
    void folder() throws IOException {
        models = tmp.resolve("models");
        ModelDirs.write(models.resolve("checkpoints/good.pt"), Fixtures.zip(
                new ZipMember("archive/data.pkl", Fixtures.torchLikeStateDict()),
                new ZipMember("archive/data/0", new byte[4096])));
        ModelDirs.write(models.resolve("unet/w.safetensors"), Fixtures.safetensors(
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16));
    }

    void addEvil() throws IOException {
        ModelDirs.write(models.resolve("checkpoints/evil.pt"), Fixtures.zip(
                new ZipMember("archive/data.pkl", Fixtures.call("posix", "system", "id"))));
    }

    CliRun approve(String... extra) {
        String[] base = {"approve", models.toString(), "--name", "m", "--source", "s"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    static JsonNode yaml(CliRun r) throws IOException {
        return Json.MAPPER.readTree(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(r.out()).toString());
    }

    @Test
    void approveRecordsTheScanSummary() throws IOException {
        CliRun r = approve();
        assertEquals(0, r.exitCode(), r::toString);
        JsonNode tm = yaml(r);
        assertEquals("2 files: 2 benign", tm.path("metadata").path("annotations").path("modelgate.dev/scan-summary").asText());
        assertTrue(tm.path("spec").path("scan").isMissingNode(), "a clean model keeps the default policy (enforce)");
    }

    @Test
    void approveRefusesAMaliciousFileWithASentenceNamingFileAndFinding() throws IOException {
        addEvil();
        CliRun r = approve();
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().isEmpty(), "no YAML for a refused model");
        assertTrue(r.err().contains("modelgate approve: " + EVIL), r::toString);
        assertTrue(r.err().contains("; loading this file can run code: remove it or replace it with a safetensors export\n"),
                r::toString);
        assertTrue(r.err().contains("modelgate approve: refusing to approve " + models + " until the problems above are "
                + "fixed (or, after review, approve the findings with --allow-findings)"), r::toString);
    }

    @Test
    void allowFindingsApprovesWithPolicyWarnAndVerifyReportsInsteadOfFailing() throws IOException {
        addEvil();
        CliRun r = approve("--allow-findings");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.err().contains("modelgate approve: WARN " + EVIL), r::toString);
        JsonNode tm = yaml(r);
        assertEquals("3 files: 1 malicious, 2 benign",
                tm.path("metadata").path("annotations").path("modelgate.dev/scan-summary").asText());
        assertEquals("warn", tm.path("spec").path("scan").path("policy").asText());
        assertEquals(java.util.List.of(), dev.modelgate.api.schema.CommittedCrds.validatorFor("TrustedModel").validate(tm));

        Path withWarn = tmp.resolve("warn.yaml");
        Files.writeString(withWarn, r.out());
        CliRun warned = CliRun.of("verify", models.toString(), "--model", withWarn.toString());
        assertEquals(0, warned.exitCode(), warned::toString);
        assertTrue(warned.err().contains("WARN " + EVIL), warned::toString);

        CliRun forced = CliRun.of("verify", models.toString(), "--model", withWarn.toString(), "--scan", "enforce");
        assertEquals(1, forced.exitCode(), forced::toString);
        assertTrue(forced.err().contains("FAIL " + EVIL), forced::toString);

        CliRun off = CliRun.of("verify", models.toString(), "--model", withWarn.toString(), "--scan", "off");
        assertEquals(0, off.exitCode(), off::toString);
        assertFalse(off.err().contains("WARN"), off::toString);

        // the same model without the policy: verify enforces by default, even though every hash matches
        Path enforced = tmp.resolve("enforce.yaml");
        Files.writeString(enforced, r.out().replaceAll("(?m)^  scan:\\n    policy: warn\\n", ""));
        CliRun strict = CliRun.of("verify", models.toString(), "--model", enforced.toString(), "--json");
        assertEquals(1, strict.exitCode(), strict::toString);
        String[] lines = strict.out().split("\n");
        JsonNode evil = Json.MAPPER.readTree(lines[0]);
        assertEquals("checkpoints/evil.pt", evil.path("path").asText());
        assertEquals("scan-finding", evil.path("result").asText());
        assertTrue(evil.path("reason").asText().startsWith(EVIL));
        JsonNode summary = Json.MAPPER.readTree(lines[lines.length - 1]);
        assertTrue(summary.path("reason").asText().startsWith(EVIL), summary::toString);
    }

    @Test
    void suspiciousFilesAreApprovedWithAWarningAndCountedInTheSummary() throws IOException {
        ModelDirs.write(models.resolve("custom.pkl"), Fixtures.embedded(Fixtures.call("my_company.models", "Net", "x")));
        CliRun r = approve();
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.err().contains("modelgate approve: WARN custom.pkl: the scan found MEDIUM my_company.models.Net ("),
                r::toString);
        assertEquals("3 files: 1 suspicious, 2 benign",
                yaml(r).path("metadata").path("annotations").path("modelgate.dev/scan-summary").asText());
    }

    @Test
    void aGlobalOutsideTheAllowlistIsRefusedUntilAReviewedExceptionNamesIt() throws IOException {
        ModelDirs.write(models.resolve("custom.pkl"), Fixtures.call("my_company.models", "Net", "x"));
        CliRun refused = approve();
        assertEquals(1, refused.exitCode(), refused::toString);
        assertTrue(refused.err().contains("HIGH my_company.models.Net (my_company.models.Net is not on the allowlist"),
                refused::toString);
        CliRun r = approve("--allow-global", "my_company.models.Net");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.err().contains("reviewed scan exceptions for m: allowGlobals my_company.models.Net"), r::toString);
        JsonNode y = yaml(r);
        assertEquals("my_company.models.Net", y.path("spec").path("scan").path("allowGlobals").path(0).asText());
        assertTrue(y.path("spec").path("scan").path("policy").isMissingNode(), "enforce stays the policy");
        // verify honours the exception of the model that declares the file, and says so
        Path tm = models.getParent().resolve("tm.yaml");
        java.nio.file.Files.writeString(tm, r.out());
        CliRun v = CliRun.of("verify", models.toString(), "--model", tm.toString());
        assertEquals(0, v.exitCode(), v::toString);
        assertTrue(v.err().contains("has reviewed scan exceptions: allowGlobals my_company.models.Net"), v::toString);
        java.nio.file.Files.writeString(tm, r.out().replace("my_company.models.Net", "my_company.models.Other"));
        assertEquals(1, CliRun.of("verify", models.toString(), "--model", tm.toString()).exitCode());
    }

    @Test
    void badScanPolicyIsBadInput() {
        CliRun r = CliRun.of("verify", models.toString(), "--model", "x.yaml", "--scan", "sometimes");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("--scan"), r::toString);
    }
}
