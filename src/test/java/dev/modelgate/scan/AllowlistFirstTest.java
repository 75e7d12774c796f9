package dev.modelgate.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.scan.Fixtures.Pickle;
import dev.modelgate.scan.pickle.PickleRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Allowlist-first enforcement: the bypass families that ran code under a denylist (files in the corpus,
 * written by tools/gen_corpus.py from __reduce__ methods, never loaded), guarded helpers judged by what their
 * arguments reach, and reviewed exceptions.
 */
class AllowlistFirstTest {

    static final Path MALICIOUS = EnforceCorpusTest.CORPUS.resolve("malicious");
    final ModelScanner scanner = new ModelScanner();

    ScanReport scanCorpus(String name) throws IOException {
        return scanner.scanFile(MALICIOUS.resolve(name));
    }

    static ScanFinding worst(ScanReport r) {
        List<ScanFinding> all = new java.util.ArrayList<>(r.findings());
        r.members().forEach(m -> all.addAll(m.findings()));
        all.sort((a, b) -> a.severity().compareTo(b.severity()));
        return all.get(0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // a shell command through a standard-library constructor no denylist named
            "shell_imaplib_stream_p2.pkl, imaplib.IMAP4_stream, runs a shell command",
            "shell_uuid_cmd_p4.pkl, uuid._get_command_stdout, runs a program",
            "shell_platform_syscmd_p4.pkl, platform._syscmd_file, runs the file command",
            // exec reached through a dictionary lookup on builtins
            "exec_builtins_dict_get_p2.pkl, builtins.dict.get, not on the allowlist",
            "exec_builtins_dict_get_p4.pkl, builtins.__dict__, not on the allowlist",
            "exec_getattr_builtins_p4.pkl, builtins.getattr, allowed only where",
            // a file written by a numeric library
            "file_numpy_memmap_p2.pkl, numpy.memmap, chosen path",
            "file_numpy_savetxt_p4.pkl, numpy.savetxt, chosen path",
            "file_numpy_tofile_p4.pkl, numpy.ndarray.tofile, chosen path",
            // code through a sub-interpreter
            "subinterp_run_string_p2.pkl, _xxsubinterpreters.run_string, sub-interpreter",
            "subinterp_interpreters_p4.pkl, _interpreters.exec, sub-interpreter",
            // a call chain through an allowlisted helper
            "chain_reconstructor_p2.pkl, imaplib.IMAP4_stream, shell command",
            "chain_rebuild_from_type_p4.pkl, imaplib.IMAP4_stream, shell command",
            "chain_codecs_encode_p2.pkl, _codecs.encode, allowed only where",
            "chain_partial_p4.pkl, functools.partial, not on the allowlist",
            "chain_attrgetter_p4.pkl, operator.attrgetter, attrgetter",
    })
    void bypassFamilyIsRefusedNamingTheGlobal(String file, String global, String reason) throws IOException {
        ScanReport r = scanCorpus(file);
        assertEquals(Verdict.MALICIOUS, r.verdict(), () -> file + ScanVectorsTest.describe(r));
        List<ScanFinding> all = new java.util.ArrayList<>(r.findings());
        assertTrue(all.stream().anyMatch(f -> global.equals(f.global()) && f.severity().atLeast(Severity.HIGH)
                && f.reason().contains(reason)), () -> file + " should refuse " + global + ScanVectorsTest.describe(r));
    }

    @Test
    void callingTheResultOfACallIsRefused() throws IOException {
        ScanReport r = scanCorpus("exec_builtins_dict_get_p2.pkl");
        assertTrue(r.findings().stream().anyMatch(f -> f.severity() == Severity.HIGH
                && f.reason().contains("calls the result of another call")), () -> ScanVectorsTest.describe(r));
    }

    @Test
    void extensionOpcodesRefuse() throws IOException {
        for (String f : List.of("ext1.pkl", "ext2.pkl", "ext4.pkl")) {
            ScanReport r = scanCorpus(f);
            assertEquals(Verdict.MALICIOUS, r.verdict(), () -> f + ScanVectorsTest.describe(r));
            assertTrue(r.findings().stream().anyMatch(x -> x.reason().contains("extension code")));
        }
    }

    @Test
    void getattrIsAllowedOnlyForAnEnumMemberOfAnAllowedClass() throws IOException {
        // Python 3.11 pickles IntervalStrategy.STEPS as getattr(IntervalStrategy, 'STEPS')
        byte[] ok = Pickle.proto(2).global("builtins", "getattr").binput(0)
                .global("transformers.trainer_utils", "IntervalStrategy").str("STEPS").op(0x86).reduce()
                .binget(0).global("transformers.trainer_utils", "HubStrategy").str("END").op(0x86).reduce()
                .op(0x86).stop().bytes();
        assertEquals(Verdict.BENIGN, scanner.scan("a.pkl", ByteSource.of(ok)).verdict());
        byte[] dunder = Pickle.proto(2).global("builtins", "getattr")
                .global("transformers.trainer_utils", "IntervalStrategy").str("__init__").op(0x86).reduce().stop().bytes();
        byte[] otherClass = Pickle.proto(2).global("builtins", "getattr")
                .global("os", "path").str("system").op(0x86).reduce().stop().bytes();
        byte[] passedOn = Pickle.proto(2).global("collections", "defaultdict").global("builtins", "getattr")
                .op(0x85).reduce().stop().bytes();
        for (byte[] p : List.of(dunder, otherClass, passedOn)) {
            ScanReport r = scanner.scan("b.pkl", ByteSource.of(p));
            assertTrue(r.findings().stream().anyMatch(f -> "builtins.getattr".equals(f.global())
                    && f.severity() == Severity.CRITICAL && f.reason().contains("allowed only where")),
                    () -> ScanVectorsTest.describe(r));
        }
    }

    @Test
    void codecsEncodeOnlyWithLatin1() throws IOException {
        byte[] ok = Pickle.proto(2).global("_codecs", "encode").str("\u00ff").str("latin1").op(0x86).reduce()
                .stop().bytes();
        assertEquals(Verdict.BENIGN, scanner.scan("a.pkl", ByteSource.of(ok)).verdict());
        byte[] bad = Pickle.proto(2).global("_codecs", "encode").str("x").str("zlib_codec").op(0x86).reduce()
                .stop().bytes();
        assertEquals(Verdict.MALICIOUS, scanner.scan("b.pkl", ByteSource.of(bad)).verdict());
    }

    @Test
    void reconstructorNeedsImportsNotLoadTimeObjects() throws IOException {
        byte[] ok = Pickle.text().global("copy_reg", "_reconstructor").mark().global("collections", "OrderedDict")
                .global("__builtin__", "object").none().tuple().reduce().stop().bytes();
        ScanReport good = scanner.scan("a.pkl", ByteSource.of(ok));
        assertEquals(Verdict.BENIGN, good.verdict(), () -> ScanVectorsTest.describe(good));
        // base is the result of a call (an OrderedDict here; anything an allowlisted call returns)
        byte[] bad = Pickle.text().global("copy_reg", "_reconstructor").mark().global("collections", "OrderedDict")
                .global("collections", "OrderedDict").mark().tuple().reduce().none().tuple().reduce().stop().bytes();
        ScanReport r = scanner.scan("b.pkl", ByteSource.of(bad));
        assertEquals(Verdict.MALICIOUS, r.verdict(), () -> ScanVectorsTest.describe(r));
    }

    @Test
    void embeddedPicklesAreDataSoOnlyTheDenylistRatesThem() throws IOException {
        byte[] inner = Fixtures.call("my_company.models", "Net", "x");
        byte[] outer = Pickle.proto(2).op('C').op(inner.length).raw(inner).stop().bytes();
        ScanReport r = scanner.scan("a.pkl", ByteSource.of(outer));
        assertEquals(Verdict.SUSPICIOUS, r.verdict(), () -> ScanVectorsTest.describe(r));
    }

    @Test
    void reviewedExceptionAcceptsWhatTheDenylistRatesBelowHighOnly() throws IOException {
        ModelScanner reviewed = new ModelScanner(PickleRules.defaults().withReviewed(
                Set.of("my_company.models.Net", "torch.nn.modules.linear.Linear", "os.system")), ScanLimits.defaults());
        ScanReport net = reviewed.scan("a.pkl", ByteSource.of(Fixtures.call("my_company.models", "Net", "x")));
        assertEquals(Verdict.BENIGN, net.verdict(), () -> ScanVectorsTest.describe(net));
        assertEquals(Severity.LOW, net.findings().get(0).severity());
        assertTrue(net.findings().get(0).reason().contains("reviewed exception"));
        ScanReport sys = reviewed.scan("b.pkl", ByteSource.of(Fixtures.call("posix", "system", "id")));
        assertEquals(Verdict.MALICIOUS, sys.verdict());
        assertTrue(sys.findings().get(0).reason().contains("cannot accept"), () -> ScanVectorsTest.describe(sys));
        // the same exception does not reach another global of the module
        ScanReport other = reviewed.scan("c.pkl", ByteSource.of(Fixtures.call("my_company.models", "Other", "x")));
        assertEquals(Verdict.MALICIOUS, other.verdict());
    }

    @Test
    void bytesThatOnlyStartLikeAPickleAreNotRefusedForTheGarbageTheyImport() throws IOException {
        // a safetensors header of 99 bytes: its length prefix starts with 'c' (GLOBAL), the JSON and tensor bytes
        // then read as a garbage "import" that allowlist-first alone would rate HIGH; the walk never reaches STOP
        String json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[16],\"data_offsets\":[0,64]}}";
        json = json + " ".repeat(99 - json.length());
        byte[] st = Fixtures.safetensors(json, 64);
        for (int i = 107; i < st.length; i++) {
            st[i] = (byte) (0x20 + i % 90);
        }
        st[120] = '\n'; // the end of the garbage module name
        st[140] = '\n'; // the end of the garbage global name
        st[141] = (byte) 0xff; // then an invalid opcode: the walk stops, as the unpickler would
        assertEquals('c', st[0]);
        ScanReport r = scanner.scan("model.safetensors", ByteSource.of(st));
        assertEquals(Verdict.BENIGN, r.verdict(), () -> ScanVectorsTest.describe(r));
        // and a real payload behind such a prefix still counts
        byte[] poly = Fixtures.concat(Fixtures.call("os", "system", "id"));
        assertEquals(Verdict.MALICIOUS, scanner.scan("x.safetensors", ByteSource.of(poly)).verdict());
    }

    @Test
    void fullModuleIsRefusedUnlessItsClassesAreReviewed() throws IOException {
        Path file = MALICIOUS.resolve("torch_full_module.pt");
        assertEquals(Verdict.MALICIOUS, scanner.scanFile(file).verdict());
        ModelScanner reviewed = new ModelScanner(PickleRules.defaults().withReviewed(Set.of(
                "torch.nn.modules.container.Sequential", "torch.nn.modules.linear.Linear",
                "torch.nn.modules.activation.ReLU")), ScanLimits.defaults());
        ScanReport r = reviewed.scanFile(file);
        assertEquals(Verdict.BENIGN, r.verdict(), () -> ScanVectorsTest.describe(r));
        assertTrue(Files.size(file) < 8192);
    }
}
