package dev.modelgate.scan;

import static dev.modelgate.scan.Fixtures.call;
import static dev.modelgate.scan.Fixtures.concat;
import static dev.modelgate.scan.Fixtures.globals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.scan.Fixtures.Pickle;
import dev.modelgate.scan.pickle.PickleRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The published bypass families of pickle scanners, each built here opcode by opcode. */
class PickleBypassTest {

    final ModelScanner scanner = new ModelScanner();

    ScanReport scan(String name, byte[] bytes) throws IOException {
        return scanner.scan(name, ByteSource.of(bytes));
    }

    static void assertVerdict(Verdict expected, ScanReport r) {
        assertEquals(expected, r.verdict(), () -> r.name() + ScanVectorsTest.describe(r));
    }

    @Test
    void benignTorchLikeStateDictWithOnlyAllowlistedGlobalsIsBenign() throws IOException {
        ScanReport r = scan("model.pkl", Fixtures.torchLikeStateDict());
        assertVerdict(Verdict.BENIGN, r);
        assertEquals("pickle", r.format());
        assertEquals(0, r.findings().size(), () -> ScanVectorsTest.describe(r));
    }

    @Test
    void memoResolvedStackGlobal() throws IOException {
        // strings parked in the memo and popped, a decoy allowlisted global, then STACK_GLOBAL from GETs
        byte[] p = Pickle.text().unicode0("os").put0(2).pop().unicode0("system").put0(3).pop()
                .unicode0("torch").put0(0).pop().unicode0("LongStorage").put0(1).pop()
                .get0(0).get0(1).stackGlobal().pop()
                .get0(2).get0(3).stackGlobal().mark().unicode0("id").tuple().reduce().stop().bytes();
        ScanReport r = scan("x.pkl", p);
        assertVerdict(Verdict.MALICIOUS, r);
        assertTrue(globals(r).contains("os.system"), () -> globals(r).toString());
    }

    @Test
    void memoizeAndBinputVariantsResolveToo() throws IOException {
        byte[] p = Pickle.proto(4).str("builtins").memoize().str("exec").binput(7).pop().pop()
                .binget(0).binget(7).stackGlobal().mark().str("1").tuple().reduce().stop().bytes();
        ScanReport r = scan("x.pkl", p);
        assertVerdict(Verdict.MALICIOUS, r);
        assertTrue(globals(r).contains("builtins.exec"), () -> globals(r).toString());
    }

    @Test
    void instOpcode() throws IOException {
        byte[] p = Pickle.text().mark().string0("'id'").inst("os", "system").stop().bytes();
        ScanReport r = scan("x.pkl", p);
        assertVerdict(Verdict.MALICIOUS, r);
        assertTrue(r.findings().stream().anyMatch(f -> "os.system".equals(f.global()) && f.reason().contains("INST@")),
                () -> ScanVectorsTest.describe(r));
    }

    @Test
    void discardedReduceIsStillACall() throws IOException {
        // eval(...) whose result is popped, then a harmless None is the pickle's value
        byte[] p = Pickle.proto(2).global("builtins", "eval").mark().str("1+1").tuple().reduce().pop().none().stop().bytes();
        ScanReport r = scan("x.pkl", p);
        assertVerdict(Verdict.MALICIOUS, r);
        ScanFinding f = r.findings().stream().filter(x -> "builtins.eval".equals(x.global())).findFirst().orElseThrow();
        assertTrue(f.reason().contains("called 1x (REDUCE@"), f::reason);
        assertEquals(Severity.CRITICAL, f.severity());
    }

    @Test
    void callsThroughObjNewobjAndBuildAreCounted() throws IOException {
        byte[] p = Pickle.proto(2).mark().global("subprocess", "Popen").str("id").op('o').pop()
                .global("subprocess", "Popen").emptyTuple().op(0x81).none().build().stop().bytes();
        ScanReport r = scan("x.pkl", p);
        ScanFinding f = r.findings().stream().filter(x -> "subprocess.Popen".equals(x.global())).findFirst().orElseThrow();
        assertTrue(f.reason().contains("OBJ@") && f.reason().contains("NEWOBJ@") && f.reason().contains("BUILD@"), f::reason);
    }

    @ParameterizedTest(name = "dotted path {0} . {1}")
    @CsvSource({
            "torch.serialization, os.system",
            "collections, __builtins__.eval",
            "torch.nn.modules.linear, subprocess.check_output",
            "numpy, core.multiarray._reconstruct.__globals__",
            "json, decoder.re.sys.modules"})
    void dottedAttributePathThroughAHarmlessModule(String module, String name) throws IOException {
        byte[] p = Pickle.proto(4).str(module).str(name).stackGlobal().emptyTuple().reduce().stop().bytes();
        assertVerdict(Verdict.MALICIOUS, scan("x.pkl", p));
    }

    @ParameterizedTest(name = "alias {0}.{1}")
    @CsvSource({
            "posix, system", "nt, system", "__builtin__, eval", "_operator, attrgetter", "_io, FileIO",
            "copy_reg, _reconstructor.__globals__", "cPickle, loads", "httplib, HTTPSConnection",
            "_posixsubprocess, fork_exec"})
    void moduleAliases(String module, String name) throws IOException {
        assertVerdict(Verdict.MALICIOUS, scan("x.pkl", call(module, name, "x")));
    }

    @ParameterizedTest(name = "submodule {0}.{1}")
    @CsvSource({
            "asyncio.unix_events, _UnixSubprocessTransport._start", "os.path, join",
            "torch.utils.collect_env, run", "idlelib.pyshell, ModifiedInterpreter.runcode",
            "logging.handlers, SocketHandler", "http.server, HTTPServer"})
    void blockedSubmodules(String module, String name) throws IOException {
        assertVerdict(Verdict.MALICIOUS, scan("x.pkl", call(module, name, "x")));
    }

    @Test
    void unknownGlobalIsRefusedAllowlistFirst() throws IOException {
        // was SUSPICIOUS (MEDIUM) before enforcement became allowlist-first: what no model file uses refuses
        ScanReport r = scan("x.pkl", call("my_company.models", "Net", "x"));
        assertVerdict(Verdict.MALICIOUS, r);
        ScanFinding f = r.findings().get(0);
        assertEquals(Severity.HIGH, f.severity());
        assertTrue(f.reason().contains("is not on the allowlist") && f.reason().contains("spec.scan.allowGlobals"),
                f::reason);
    }

    @Test
    void multiplePickleStreams() throws IOException {
        byte[] benign = Pickle.proto(2).op(']').stop().bytes();
        ScanReport r = scan("x.pkl", concat(benign, benign, call("requests.api", "get", "https://example.com")));
        assertVerdict(Verdict.MALICIOUS, r);
        ScanReport trailing = scan("y.pkl", concat(benign, "garbage that is no pickle".getBytes(StandardCharsets.US_ASCII)));
        assertVerdict(Verdict.BENIGN, trailing);
        assertTrue(trailing.findings().stream().anyMatch(f -> f.reason().contains("trailing")),
                () -> ScanVectorsTest.describe(trailing));
    }

    @Test
    void allStringOpcodesFeedStackGlobal() throws IOException {
        byte[] viaBinunicode = Pickle.proto(4).binunicode("os").binunicode("system").stackGlobal().stop().bytes();
        byte[] viaString = Pickle.proto(4).string0("'o\\x73'").string0("\"system\"").stackGlobal().stop().bytes();
        byte[] viaEscapedUnicode = Pickle.proto(4).unicode0("\\u006fs").unicode0("sys\\u0074em").stackGlobal().stop().bytes();
        byte[] viaBytes = Pickle.proto(4).bytes("os".getBytes(StandardCharsets.US_ASCII))
                .bytes("system".getBytes(StandardCharsets.US_ASCII)).stackGlobal().stop().bytes();
        for (byte[] p : new byte[][] {viaBinunicode, viaString, viaEscapedUnicode, viaBytes}) {
            ScanReport r = scan("x.pkl", p);
            assertTrue(globals(r).contains("os.system"), () -> globals(r).toString());
        }
    }

    @Test
    void embeddedPicklesRawAndBase64AreWalked() throws IOException {
        byte[] inner = call("builtins", "exec", "print(1)");
        byte[] raw = Pickle.proto(4).bytes(inner).stop().bytes();
        assertVerdict(Verdict.MALICIOUS, scan("x.pkl", raw));
        String b64 = Base64.getEncoder().encodeToString(inner);
        byte[] encoded = Pickle.proto(4).binunicode(b64).stop().bytes();
        assertVerdict(Verdict.MALICIOUS, scan("y.pkl", encoded));
        byte[] plainInner = Pickle.proto(4).op('}').stop().bytes();
        assertVerdict(Verdict.BENIGN, scan("z.pkl", Pickle.proto(4).bytes(plainInner).stop().bytes()));
    }

    @Test
    void truncatedPickleIsInvalid() throws IOException {
        byte[] whole = Fixtures.torchLikeStateDict();
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2);
        ScanReport r = scan("x.pkl", cut);
        assertVerdict(Verdict.INVALID, r);
        assertTrue(r.error().contains("truncated"), r::error);
    }

    @Test
    void truncatedPickleWithADangerousImportIsStillMalicious() throws IOException {
        byte[] p = Pickle.proto(2).global("os", "system").mark().str("id").tuple().reduce().bytes(); // no STOP
        assertVerdict(Verdict.MALICIOUS, scan("x.pkl", p));
    }

    @Test
    void buildOnAnImportedObjectRewritesIt() throws IOException {
        byte[] p = Pickle.proto(2).global("torch._utils", "_rebuild_tensor_v2").op('}').build().stop().bytes();
        assertVerdict(Verdict.MALICIOUS, scan("x.pkl", p));
    }

    @Test
    void unsupportedProtocolAndBadOpcodeAreInvalid() throws IOException {
        assertVerdict(Verdict.INVALID, scan("x.pkl", new byte[] {(byte) 0x80, 6, 'N', '.'}));
        assertVerdict(Verdict.INVALID, scan("y.pkl", new byte[] {(byte) 0x80, 2, (byte) 0xff, '.'}));
    }

    @Test
    void opcodeStackAndMemoBoundsYieldAFindingNotAHang() {
        ScanLimits small = new ScanLimits(10_000, 1_000, 100, 2, 1 << 20, 100, 200, 2, 1 << 20);
        ModelScanner bounded = new ModelScanner(PickleRules.defaults(), small);
        Pickle many = Pickle.proto(2);
        for (int i = 0; i < 20_000; i++) {
            many.none().pop();
        }
        Pickle deep = Pickle.proto(2);
        for (int i = 0; i < 5_000; i++) {
            deep.mark();
        }
        Pickle memo = Pickle.proto(4);
        for (int i = 0; i < 500; i++) {
            memo.none().memoize().pop();
        }
        for (Pickle p : new Pickle[] {many.none().stop(), deep.stop(), memo.none().stop()}) {
            ScanReport r = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> bounded.scan("x.pkl", ByteSource.of(p.bytes())));
            assertVerdict(Verdict.MALICIOUS, r);
            assertTrue(r.findings().stream().anyMatch(f -> f.reason().startsWith("scan stopped")),
                    () -> ScanVectorsTest.describe(r));
        }
    }

    @Test
    void deeplyNestedEmbeddedPicklesAreBounded() throws IOException {
        byte[] p = call("builtins", "eval", "1");
        for (int i = 0; i < 8; i++) {
            p = Pickle.proto(4).bytes(p).stop().bytes();
        }
        ScanReport r = scan("x.pkl", p);
        assertTrue(r.findings().stream().anyMatch(f -> f.reason().contains("nested deeper")),
                () -> ScanVectorsTest.describe(r));
        assertVerdict(Verdict.SUSPICIOUS, r);
    }
}
