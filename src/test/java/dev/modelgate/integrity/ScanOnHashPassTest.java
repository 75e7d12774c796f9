package dev.modelgate.integrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.scan.Fixtures;
import dev.modelgate.scan.Fixtures.ZipMember;
import dev.modelgate.scan.ScanReport;
import dev.modelgate.scan.StreamingScan;
import dev.modelgate.scan.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scanner on the engine's hashing pass: the scan policy decides what a finding does to verification. */
class ScanOnHashPassTest {

    @TempDir
    Path tmp;
    Path root;
    Manifest manifest;

    static final String EVIL_MESSAGE = "checkpoints/evil.pt: the scan found CRITICAL posix.system in member "
            + "archive/data.pkl (";

    @BeforeEach
    void model() throws IOException {
        root = tmp.resolve("models");
        ModelDirs.write(root.resolve("checkpoints/good.pt"), Fixtures.zip(
                new ZipMember("archive/data.pkl", Fixtures.torchLikeStateDict()),
                new ZipMember("archive/data/0", new byte[1 << 20])));
        ModelDirs.write(root.resolve("checkpoints/evil.pt"), Fixtures.zip(
                new ZipMember("archive/data.pkl", Fixtures.call("posix", "system", "id"))));
        ModelDirs.write(root.resolve("unet/w.safetensors"), Fixtures.safetensors(
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16));
        manifest = new IntegrityEngine().describe(root).manifest();
    }

    IntegrityReport verify(ScanPolicy policy) {
        return new IntegrityEngine(EngineOptions.defaults().withScan(policy)).verify(root, manifest);
    }

    @Test
    void enforceFailsAMaliciousFileWhoseHashMatches() {
        IntegrityReport r = verify(ScanPolicy.ENFORCE);
        assertEquals(1, r.exitCode());
        assertEquals(List.of("scan-finding:checkpoints/evil.pt"), ModelDirs.kinds(r));
        Finding f = r.findings().get(0);
        assertTrue(f.message().startsWith(EVIL_MESSAGE), f.message());
        assertTrue(f.message().endsWith("; loading this file can run code: remove it or replace it with a safetensors "
                + "export"), f.message());
        assertEquals("CRITICAL", f.actual());
        FileResult evil = r.files().stream().filter(x -> x.path().equals("checkpoints/evil.pt")).findFirst().orElseThrow();
        assertEquals("scan-finding", evil.result());
        assertEquals(manifest.get("checkpoints/evil.pt").orElseThrow().sha256(), evil.sha256(), "the hash matched");
        assertTrue(r.files().stream().filter(x -> !x.path().equals("checkpoints/evil.pt")).allMatch(FileResult::ok));
    }

    @Test
    void warnReportsWithoutFailing() {
        IntegrityReport r = verify(ScanPolicy.WARN);
        assertEquals(0, r.exitCode());
        assertTrue(r.ok());
        assertEquals(1, r.warnings().size(), r.warnings()::toString);
        assertEquals(FindingKind.SCAN_WARNING, r.warnings().get(0).kind());
        assertTrue(r.warnings().get(0).message().startsWith(EVIL_MESSAGE));
    }

    @Test
    void offAndTheLibraryDefaultDoNotScan() {
        IntegrityReport off = verify(ScanPolicy.OFF);
        assertTrue(off.ok() && off.warnings().isEmpty());
        IntegrityReport plain = new IntegrityEngine().verify(root, manifest);
        assertTrue(plain.ok() && plain.warnings().isEmpty());
    }

    @Test
    void describeUnderEnforceRefusesToo() {
        IntegrityReport r = new IntegrityEngine(EngineOptions.defaults().withScan(ScanPolicy.ENFORCE)).describe(root);
        assertEquals(List.of("scan-finding:checkpoints/evil.pt"), ModelDirs.kinds(r));
        assertEquals(3, r.manifest().size(), "every file is still hashed");
    }

    @Test
    void mediumFindingsAndUnparseableFilesAreWarningsUnderEnforce() throws IOException {
        // an unknown global inside a pickle held as bytes: data until loaded, so MEDIUM (a direct import refuses)
        ModelDirs.write(root.resolve("custom.pkl"), Fixtures.embedded(Fixtures.call("my_company.models", "Net", "x")));
        ModelDirs.write(root.resolve("broken.safetensors"), "abc".getBytes());
        ModelDirs.write(root.resolve("checkpoints/evil.pt"), Fixtures.torchLikeStateDict()); // now benign
        Manifest m = new IntegrityEngine().describe(root).manifest();
        IntegrityReport r = new IntegrityEngine(EngineOptions.defaults().withScan(ScanPolicy.ENFORCE)).verify(root, m);
        assertEquals(0, r.exitCode(), r.findings()::toString);
        assertEquals(List.of("scan-warning:broken.safetensors", "scan-warning:custom.pkl"),
                r.warnings().stream().map(f -> f.kind().id() + ":" + f.path()).toList());
        assertEquals("custom.pkl: the scan found MEDIUM my_company.models.Net (", r.warnings().get(1).message()
                .substring(0, "custom.pkl: the scan found MEDIUM my_company.models.Net (".length()));
        assertTrue(r.warnings().get(0).message().startsWith("broken.safetensors: the scanner could not parse it as "
                + "safetensors ("), r.warnings().get(0).message());
    }

    @Test
    void anArchiveTheScannerCannotOpenIsRefusedNotPassed() throws IOException {
        ModelDirs.write(root.resolve("bundle.7z"), new byte[] {'7', 'z', (byte) 0xbc, (byte) 0xaf, 0x27, 0x1c, 0, 4, 1, 2});
        ModelDirs.write(root.resolve("checkpoints/evil.pt"), Fixtures.torchLikeStateDict());
        Manifest m = new IntegrityEngine().describe(root).manifest();
        IntegrityReport r = new IntegrityEngine(EngineOptions.defaults().withScan(ScanPolicy.ENFORCE)).verify(root, m);
        assertEquals(List.of(new Finding(FindingKind.SCAN_FINDING, "bundle.7z", "bundle.7z: is a 7z archive, which this "
                + "version cannot look inside; unpack it and approve the files it holds instead", null, "unscanned")),
                r.findings());
    }

    @Test
    void perFilePoliciesAndTheReportsOfEveryFile() {
        ScanCheck check = new ScanCheck(path -> path.startsWith("checkpoints/evil") ? ScanPolicy.WARN : ScanPolicy.ENFORCE);
        IntegrityReport r = new IntegrityEngine(EngineOptions.defaults().withChecks(List.of(check))).verify(root, manifest);
        assertTrue(r.ok(), r.findings()::toString);
        assertEquals(1, r.warnings().size());
        assertEquals(List.of("checkpoints/evil.pt", "checkpoints/good.pt", "unet/w.safetensors"),
                List.copyOf(new java.util.TreeMap<>(check.reports()).keySet()));
        ScanReport evil = check.reports().get("checkpoints/evil.pt");
        assertEquals(Verdict.MALICIOUS, evil.verdict());
        assertEquals(Verdict.BENIGN, check.reports().get("checkpoints/good.pt").verdict());
        assertEquals(0, check.bytesReread(), "no file was read twice");
    }

    @Test
    void aFileThatCannotBeScannedIsRefusedUnderEnforceAndReportedUnderWarn() {
        StreamingScan.Result broken = new StreamingScan.Result(
                new ScanReport("a.pkl", "unreadable", Verdict.INVALID, List.of(), "x", List.of()), 0, 0,
                "cannot read it again for the scan (disk error)");
        List<Finding> enforce = ScanCheck.findings("a.pkl", broken, ScanPolicy.ENFORCE);
        assertEquals(List.of(new Finding(FindingKind.SCAN_FINDING, "a.pkl", "a.pkl: could not be scanned (cannot read "
                + "it again for the scan (disk error)); a file that cannot be judged is refused: make it readable and "
                + "verify again", null, "unscanned")), enforce);
        assertEquals(FindingKind.SCAN_WARNING, ScanCheck.findings("a.pkl", broken, ScanPolicy.WARN).get(0).kind());
    }
}
