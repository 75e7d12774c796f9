package dev.modelgate.scan;

import static dev.modelgate.scan.Fixtures.call;
import static dev.modelgate.scan.Fixtures.globals;
import static dev.modelgate.scan.Fixtures.zip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.scan.Fixtures.Pickle;
import dev.modelgate.scan.Fixtures.ZipMember;
import dev.modelgate.scan.pickle.PickleRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** Zip, tar, npy and safetensors handling: quirks, bounds and detection by content. */
class FormatsTest {

    final ModelScanner scanner = new ModelScanner();
    static final byte[] EVIL = call("builtins", "eval", "print(1)");
    static final byte[] STATE = Fixtures.torchLikeStateDict();

    ScanReport scan(String name, byte[] bytes) throws IOException {
        return scanner.scan(name, ByteSource.of(bytes));
    }

    static void assertVerdict(Verdict expected, ScanReport r) {
        assertEquals(expected, r.verdict(), () -> r.name() + " as " + r.format() + ScanVectorsTest.describe(r));
    }

    static boolean anyReason(ScanReport r, String text) {
        return r.findings().stream().anyMatch(f -> f.reason().contains(text))
                || r.members().stream().anyMatch(m -> anyReason(m, text));
    }

    @Test
    void benignPytorchZipIsBenignAndTensorDataIsNotReported() throws IOException {
        byte[] tensor = new byte[4096];
        new Random(1).nextBytes(tensor);
        tensor[0] = (byte) 0x80; // tensor bytes that start like a pickle header are still data
        tensor[1] = 2;
        ScanReport r = scan("model.pt", zip(new ZipMember("archive/data.pkl", STATE),
                new ZipMember("archive/data/0", tensor), new ZipMember("archive/version", "3\n".getBytes())));
        assertVerdict(Verdict.BENIGN, r);
        assertEquals("pytorch", r.format());
        assertEquals(1, r.members().size(), () -> r.members().toString());
        assertEquals("model.pt:archive/data.pkl", r.members().get(0).name());
    }

    @Test
    void storedTensorDataIsSkippedNotRead() throws IOException {
        byte[] state = STATE;
        byte[][] tensors = new byte[3][16 << 20];
        tensors[0][0] = (byte) 0x80; // starts like a pickle header
        tensors[0][1] = 2;
        tensors[1][0] = 'S'; // starts like a protocol 0 STRING with no newline anywhere
        tensors[2][0] = 'c';
        byte[] archive = zip(new ZipMember("archive/data.pkl", state), new ZipMember("archive/data/0", tensors[0]),
                new ZipMember("archive/data/1", tensors[1]), new ZipMember("archive/data/2", tensors[2]));
        long[] read = new long[1];
        ByteSource all = ByteSource.of(archive);
        ByteSource counting = new ByteSource() {
            @Override
            public long size() {
                return all.size();
            }

            @Override
            public int read(long pos, byte[] buf, int off, int len) throws IOException {
                int n = all.read(pos, buf, off, len);
                read[0] += Math.max(n, 0);
                return n;
            }
        };
        ScanReport r = scanner.scan("big.pt", counting);
        assertVerdict(Verdict.BENIGN, r);
        assertTrue(read[0] < (1 << 20), () -> read[0] + " bytes read of a " + archive.length + "-byte archive");
    }

    @Test
    void everyPickleMemberIsScannedNotOnlyDataPkl() throws IOException {
        ScanReport r = scan("model.pt", zip(new ZipMember("archive/data.pkl", STATE),
                new ZipMember("archive/extra.pkl", call("subprocess", "check_output", "id"))));
        assertVerdict(Verdict.MALICIOUS, r);
        assertEquals(Verdict.MALICIOUS, r.members().stream()
                .filter(m -> m.name().equals("model.pt:archive/extra.pkl")).findFirst().orElseThrow().verdict());
    }

    @Test
    void zipFlagBitsOnPlainData() throws IOException {
        for (int flags : new int[] {0x1, 0x20, 0x40, 0x1 | 0x8}) {
            ScanReport r = scan("model.pt", zip(new ZipMember("archive/data.pkl", EVIL).flags(flags)));
            assertVerdict(Verdict.MALICIOUS, r);
            assertTrue(globals(r).contains("builtins.eval"), () -> flags + ": " + globals(r));
        }
    }

    @Test
    void trulyEncryptedMemberIsSuspicious() throws IOException {
        byte[] cipher = new byte[EVIL.length + 12];
        new Random(7).nextBytes(cipher);
        ScanReport r = scan("x.zip", zip(new ZipMember("data.pkl", EVIL).flags(1).rawData(cipher)));
        assertVerdict(Verdict.SUSPICIOUS, r);
        assertTrue(anyReason(r, "encrypted member"), () -> ScanVectorsTest.describe(r));
    }

    @Test
    void zipBadCrcIsToleratedAndReported() throws IOException {
        ScanReport r = scan("model.pt", zip(new ZipMember("archive/data.pkl", EVIL).crc(0x12345678L)));
        assertVerdict(Verdict.MALICIOUS, r);
        assertTrue(anyReason(r, "CRC mismatch"), () -> ScanVectorsTest.describe(r));
        ScanReport deflated = scan("model.pt", zip(new ZipMember("archive/data.pkl", EVIL).deflate().crc(1)));
        assertVerdict(Verdict.MALICIOUS, deflated);
    }

    @Test
    void zipLocalAndCentralNameMismatch() throws IOException {
        ScanReport r = scan("model.pt", zip(new ZipMember("archive/data.pkl", EVIL).localName("archive/readme.txt")));
        assertVerdict(Verdict.MALICIOUS, r);
        assertTrue(anyReason(r, "local header names the member 'archive/readme.txt'"), () -> ScanVectorsTest.describe(r));
    }

    @Test
    void magicBytesWinOverAMisleadingExtension() throws IOException {
        ScanReport zipAsSafetensors = scan("model.safetensors", zip(new ZipMember("archive/data.pkl", EVIL)));
        assertEquals("pytorch", zipAsSafetensors.format());
        assertVerdict(Verdict.MALICIOUS, zipAsSafetensors);
        ScanReport pickleAsText = scan("notes.txt", EVIL);
        assertEquals("pickle", pickleAsText.format());
        assertVerdict(Verdict.MALICIOUS, pickleAsText);
        ScanReport memberAsText = scan("x.zip", zip(new ZipMember("data.txt", EVIL)));
        assertVerdict(Verdict.MALICIOUS, memberAsText);
        ScanReport protocol0Member = scan("x.zip", zip(new ZipMember("weights.bin",
                Pickle.text().global("os", "system").mark().string0("'id'").tuple().reduce().stop().bytes())));
        assertVerdict(Verdict.MALICIOUS, protocol0Member);
        ScanReport png = scan("model.pt", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        assertVerdict(Verdict.INVALID, png);
        ScanReport unknown = scan("blob.dat", "just some text\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("unknown", unknown.format());
        assertVerdict(Verdict.SUSPICIOUS, unknown);
    }

    @Test
    void zipBombIsBoundedAndReported() throws IOException {
        ScanLimits small = new ScanLimits(1_000_000, 10_000, 10_000, 2, 1 << 20, 100, 200, 3, 1 << 20);
        ModelScanner bounded = new ModelScanner(PickleRules.defaults(), small);
        byte[] huge = new byte[8 << 20]; // 8 MiB of zeros behind a pickle header, deflates to a few KiB
        huge[0] = (byte) 0x80;
        huge[1] = 2;
        byte[] archive = zip(new ZipMember("archive/data.pkl", huge).deflate());
        ScanReport r = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> bounded.scan("bomb.pt", ByteSource.of(archive)));
        assertVerdict(Verdict.MALICIOUS, r);
        assertTrue(anyReason(r, "inflates to more than"), () -> ScanVectorsTest.describe(r));
        // declared sizes alone: 4 GiB promised by a few bytes of tensor data
        ScanReport declared = scanner.scan("bomb2.pt", ByteSource.of(
                zip(new ZipMember("archive/data/0", new byte[4096]).deflate().declaredSize(4L << 30 - 1))));
        assertTrue(anyReason(declared, "expansion ratio"), () -> ScanVectorsTest.describe(declared));
    }

    @Test
    void tooManyEntriesIsAFinding() throws IOException {
        ScanLimits small = new ScanLimits(1_000_000, 10_000, 10_000, 2, 1 << 20, 3, 200, 3, 1 << 20);
        ZipMember[] ms = new ZipMember[5];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = new ZipMember("f" + i, new byte[1]);
        }
        ScanReport r = new ModelScanner(PickleRules.defaults(), small).scan("x.zip", ByteSource.of(zip(ms)));
        assertVerdict(Verdict.MALICIOUS, r);
    }

    @Test
    void deepArchiveNestingIsBounded() throws IOException {
        byte[] inner = zip(new ZipMember("data.pkl", EVIL));
        ScanReport shallow = scan("x.zip", zip(new ZipMember("inner.zip", inner)));
        assertVerdict(Verdict.MALICIOUS, shallow);
        assertEquals("x.zip:inner.zip", shallow.members().get(0).name());
        assertEquals("x.zip:inner.zip:data.pkl", shallow.members().get(0).members().get(0).name());
        byte[] deep = inner;
        for (int i = 0; i < 6; i++) {
            deep = zip(new ZipMember("level" + i + ".zip", deep).deflate());
        }
        ScanReport r = scan("deep.zip", deep);
        assertTrue(anyReason(r, "nested deeper than"), () -> ScanVectorsTest.describe(r));
        assertFalse(r.verdict() == Verdict.BENIGN);
    }

    @Test
    void legacyTorchSequenceOfPicklesAndTarLayout() throws IOException {
        byte[] magic = Pickle.proto(2).op(0x8a).op(10).raw(new byte[] {0x6c, (byte) 0xfc, (byte) 0x9c, 0x46,
                (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19}).stop().bytes();
        byte[] small = Pickle.proto(2).binint1(1).stop().bytes();
        byte[] keys = Pickle.proto(2).op(']').stop().bytes();
        byte[] storage = new byte[64];
        storage[0] = 'c'; // raw storage bytes after the five pickles are never unpickled
        ScanReport legacy = scan("model.pt", Fixtures.concat(magic, small, small, STATE, keys, storage));
        assertVerdict(Verdict.BENIGN, legacy);
        assertEquals("pytorch", legacy.format());
        ScanReport evilLegacy = scan("model.pt", Fixtures.concat(magic, small, small, EVIL, keys, storage));
        assertVerdict(Verdict.MALICIOUS, evilLegacy);
        ScanReport shortLegacy = scan("model.pt", Fixtures.concat(magic, small));
        assertVerdict(Verdict.INVALID, shortLegacy);

        byte[] tar = Fixtures.tar(new String[] {"sys_info", "pickle", "storages", "tensors"},
                new byte[][] {small, call("os", "system", "id"), small, small});
        ScanReport r = scan("old.pt", tar);
        assertEquals("pytorch", r.format());
        assertVerdict(Verdict.MALICIOUS, r);
        assertTrue(r.members().stream().anyMatch(m -> m.name().equals("old.pt:pickle") && m.verdict() == Verdict.MALICIOUS),
                () -> r.members().toString());
    }

    @Test
    void legacyTarStoragesInterleavePicklesWithRawData() throws IOException {
        byte[] count = Pickle.proto(2).binint1(1).stop().bytes();
        byte[] args = Pickle.proto(2).mark().str("0").str("cpu").global("torch", "FloatStorage").tuple().stop().bytes();
        byte[] raw = Fixtures.concat(new byte[] {2, 0, 0, 0, 0, 0, 0, 0}, new byte[] {'c', 'o', 's', '\n', 0, 0, 0, 0});
        byte[] views = call("os", "system", "id"); // the storage-views pickle, after the raw data
        byte[] small = Pickle.proto(2).binint1(0).stop().bytes();
        byte[] tensorArgs = Pickle.proto(2).mark().str("0").str("0").global("torch", "FloatTensor").tuple().stop().bytes();
        byte[] tensorRecord = new byte[4 + 4 + 16 + 8];
        tensorRecord[0] = 1; // ndim 1
        byte[] tensors = Fixtures.concat(Pickle.proto(2).binint1(1).stop().bytes(), tensorArgs, tensorRecord);
        byte[] tar = Fixtures.tar(new String[] {"sys_info", "pickle", "storages", "tensors"},
                new byte[][] {small, small, Fixtures.concat(count, args, raw, views), tensors});
        ScanReport r = scan("old.pt", tar);
        assertVerdict(Verdict.MALICIOUS, r);
        ScanReport storages = r.members().stream().filter(m -> m.name().equals("old.pt:storages")).findFirst()
                .orElseThrow();
        assertTrue(globals(storages).contains("os.system"), () -> ScanVectorsTest.describe(r));
        ScanReport benign = scan("old.pt", Fixtures.tar(new String[] {"sys_info", "pickle", "storages", "tensors"},
                new byte[][] {small, small, Fixtures.concat(count, args, raw, Pickle.proto(2).op(']').stop().bytes()),
                        tensors}));
        assertVerdict(Verdict.BENIGN, benign);
    }

    @Test
    void objectDtypeNpyCarriesAPickle() throws IOException {
        byte[] evil = Fixtures.npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", EVIL);
        ScanReport r = scan("arr.npy", evil);
        assertEquals("numpy", r.format());
        assertVerdict(Verdict.MALICIOUS, r);
        byte[] structured = Fixtures.npy("{'descr': [('a', '<i4'), ('b', '|O')], 'fortran_order': False, 'shape': (1,), }",
                EVIL);
        assertVerdict(Verdict.MALICIOUS, scan("s.npy", structured));
        byte[] reconstruct = Pickle.proto(3).global("numpy.core.multiarray", "_reconstruct")
                .global("numpy", "ndarray").binint1(0).tuple1().bytes("b".getBytes(StandardCharsets.US_ASCII)).op(0x87).reduce()
                .mark().binint1(1).global("numpy", "dtype").str("O8").op(0x89).op(0x88).op(0x87).reduce().tuple()
                .build().stop().bytes();
        assertVerdict(Verdict.BENIGN, scan("ok.npy",
                Fixtures.npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", reconstruct)));
        assertVerdict(Verdict.BENIGN, scan("f.npy",
                Fixtures.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", new byte[16])));
        assertVerdict(Verdict.INVALID, scan("bad.npy", Fixtures.npy("{'descr': '<f4', 'shape': (2, 2), }", new byte[16])));
        ScanReport npz = scan("x.npz", zip(new ZipMember("a.npy", evil).deflate(),
                new ZipMember("b.npy", Fixtures.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }",
                        new byte[16]))));
        assertEquals("npz", npz.format());
        assertVerdict(Verdict.MALICIOUS, npz);
    }

    @Test
    void safetensorsHeaderAndOffsets() throws IOException {
        String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"I8\",\"shape\":[4],\"data_offsets\":[8,12]},\"__metadata__\":{\"format\":\"pt\"}}";
        assertVerdict(Verdict.BENIGN, scan("m.safetensors", Fixtures.safetensors(ok, 12)));
        String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertVerdict(Verdict.INVALID, scan("m.safetensors", Fixtures.safetensors(overlap, 12)));
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertVerdict(Verdict.INVALID, scan("m.safetensors", Fixtures.safetensors(gap, 8)));
        String outOfBounds = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        assertVerdict(Verdict.INVALID, scan("m.safetensors", Fixtures.safetensors(outOfBounds, 8)));
        String badDtype = "{\"a\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertVerdict(Verdict.INVALID, scan("m.safetensors", Fixtures.safetensors(badDtype, 4)));
        String duplicate = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertVerdict(Verdict.INVALID, scan("m.safetensors", Fixtures.safetensors(duplicate, 4)));
        String code = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"__metadata__\":{\"note\":\"__import__('os').system('id')\"}}";
        assertVerdict(Verdict.SUSPICIOUS, scan("m.safetensors", Fixtures.safetensors(code, 4)));
        byte[] hugeHeader = Fixtures.safetensors(ok, 12);
        hugeHeader[5] = 0x7f; // header length far beyond the file and the limit
        assertVerdict(Verdict.INVALID, scan("m.safetensors", hugeHeader));
    }

    @Test
    void knownButUnscannedFormatsAreNeverBenign() throws IOException {
        ScanReport sevenZip = scan("m.7z", "7z\u00bc\u00af\u0027\u001c\u0000\u0004".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("7z", sevenZip.format());
        assertVerdict(Verdict.SUSPICIOUS, sevenZip);
        assertTrue(anyReason(sevenZip, "does not scan it"));
    }

    @Test
    void keras2H5ModelConfigIsFoundByItsText() throws IOException {
        String magic = "\u0089HDF\r\n\u001a\n\u0000\u0000\u0000\u0000";
        String dense = "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Dense\", "
                + "\"config\": {\"name\": \"d\", \"units\": 2}}]}}";
        String lambda = "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Lambda\", "
                + "\"config\": {\"name\": \"l\", \"function\": [\"4wEAAA==\", null, null]}}]}}";
        ScanReport ok = scan("m.h5", (magic + "model_config\u0000\u0000" + dense + "\u0000").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("keras_h5", ok.format());
        assertVerdict(Verdict.BENIGN, ok);
        assertVerdict(Verdict.MALICIOUS, scan("m.h5",
                (magic + "model_config\u0000" + lambda + "\u0000").getBytes(StandardCharsets.ISO_8859_1)));
        // a model_config that cannot be read is refused (was INVALID, a warning, before loaders were followed):
        // Keras builds whatever the attribute holds
        assertVerdict(Verdict.MALICIOUS, scan("m.h5",
                (magic + "model_config\u0000{\"class_name\": \u0000").getBytes(StandardCharsets.ISO_8859_1)));
        // keys spelled with JSON escapes or spaces are found by parsing, not by their text
        String escaped = lambda.replace("\"class_name\": \"Sequential\"", "\"cl\\u0061ss_name\":\"Sequential\"")
                .replace("{\"class_name\": \"Lambda\"", "{ \"class\\u005fname\" : \"Lambda\"");
        assertTrue(escaped.contains("\\u0061") && escaped.contains("\\u005f"), escaped);
        ScanReport hidden = scan("m.h5", (magic + "model_config\u0000" + escaped + "\u0000").getBytes(StandardCharsets.ISO_8859_1));
        assertVerdict(Verdict.MALICIOUS, hidden);
        assertTrue(anyReason(hidden, "Lambda"), () -> ScanVectorsTest.describe(hidden));
        ScanReport data = scan("d.h5", (magic + "dataset bytes").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("hdf5", data.format());
        assertVerdict(Verdict.BENIGN, data);
    }

    @Test
    void onnxExternalDataLocations() throws IOException {
        byte[] node = Fixtures.pbString(4, "MatMul");
        byte[] ok = Fixtures.onnxModel(Fixtures.concat(Fixtures.pb(1, node), Fixtures.pbString(2, "g"),
                Fixtures.pb(5, Fixtures.onnxExternalTensor("W1", "weights.bin"))));
        assertVerdict(Verdict.BENIGN, scan("model.onnx", ok));
        for (String bad : new String[] {"../../../../etc/passwd", "/etc/shadow", "sub/../../x.bin", "C:\\Windows\\win.ini"}) {
            byte[] m = Fixtures.onnxModel(Fixtures.pb(5, Fixtures.onnxExternalTensor("W1", bad)));
            ScanReport r = scan("model.onnx", m);
            assertVerdict(Verdict.MALICIOUS, r);
            assertEquals("onnx", r.format());
        }
        // inside a subgraph: If node attribute 'then_branch' (AttributeProto.g) holding an initializer
        byte[] subgraph = Fixtures.pb(5, Fixtures.onnxExternalTensor("W2", "../secret"));
        byte[] ifNode = Fixtures.concat(Fixtures.pbString(4, "If"),
                Fixtures.pb(5, Fixtures.pbString(1, "then_branch"), Fixtures.pb(6, subgraph)));
        ScanReport nested = scan("model.onnx", Fixtures.onnxModel(Fixtures.pb(1, ifNode)));
        assertVerdict(Verdict.MALICIOUS, nested);
        // detected without the extension, and a truncated .onnx is invalid
        assertEquals("onnx", scan("model.bin", ok).format());
        assertVerdict(Verdict.INVALID, scan("model.onnx", java.util.Arrays.copyOf(ok, ok.length - 3)));
    }

    @Test
    void kerasV3ConfigLambdaAndCustomModules() throws IOException {
        String dense = "{\"module\": \"keras.layers\", \"class_name\": \"Dense\", \"config\": {\"name\": \"d\"}}";
        String lambda = "{\"module\": \"keras.layers\", \"class_name\": \"Lambda\", \"config\": {\"name\": \"l\", "
                + "\"function\": {\"class_name\": \"__lambda__\", \"config\": {\"code\": \"4wEAAA==\"}}}}";
        String custom = "{\"module\": \"my_company.layers\", \"class_name\": \"Fancy\", \"config\": {\"name\": \"f\"}}";
        byte[] h5 = "\u0089HDF\r\n\u001a\n".getBytes(StandardCharsets.ISO_8859_1);
        java.util.function.Function<String, byte[]> keras = layers -> zip(
                new ZipMember("metadata.json", "{\"keras_version\": \"3.0.0\"}".getBytes(StandardCharsets.UTF_8)),
                new ZipMember("config.json", ("{\"module\": \"keras\", \"class_name\": \"Sequential\", "
                        + "\"config\": {\"layers\": [" + layers + "]}}").getBytes(StandardCharsets.UTF_8)).deflate(),
                new ZipMember("model.weights.h5", h5));
        ScanReport ok = scan("m.keras", keras.apply(dense));
        assertEquals("keras_v3", ok.format());
        assertVerdict(Verdict.BENIGN, ok);
        assertVerdict(Verdict.MALICIOUS, scan("m.keras", keras.apply(dense + ", " + lambda)));
        assertVerdict(Verdict.SUSPICIOUS, scan("m.keras", keras.apply(custom)));
    }

    @Test
    void kerasArchivesAreJudgedAsKerasReadsThem() throws IOException {
        String seq = "{\"module\": \"keras\", \"class_name\": \"Sequential\", \"config\": {\"layers\": [%s]}}";
        String dense = "{\"module\": \"keras.layers\", \"class_name\": \"Dense\", \"config\": {\"name\": \"d\"}}";
        String lambda = "{\"module\": \"keras.layers\", \"class_name\": \"Lambda\", \"config\": {\"name\": \"l\", "
                + "\"function\": {\"class_name\": \"__lambda__\", \"config\": {\"code\": \"4wEAAA==\"}}}}";
        byte[] meta = "{\"keras_version\": \"3.0.0\"}".getBytes(StandardCharsets.UTF_8);
        // two config.json members: zipfile (Keras) reads the last, which holds the Lambda
        ScanReport dup = scan("m.keras", zip(new ZipMember("metadata.json", meta),
                new ZipMember("config.json", String.format(seq, dense).getBytes(StandardCharsets.UTF_8)),
                new ZipMember("config.json", String.format(seq, lambda).getBytes(StandardCharsets.UTF_8))));
        assertVerdict(Verdict.MALICIOUS, dup);
        assertTrue(anyReason(dup, "Lambda") && anyReason(dup, "two members are named config.json"),
                () -> ScanVectorsTest.describe(dup));
        // an extra .pkl member makes the archive look like PyTorch; its Keras config is still judged
        ScanReport pkl = scan("m.keras", zip(new ZipMember("metadata.json", meta),
                new ZipMember("config.json", String.format(seq, lambda).getBytes(StandardCharsets.UTF_8)),
                new ZipMember("extra.pkl", Fixtures.torchLikeStateDict())));
        assertVerdict(Verdict.MALICIOUS, pkl);
        assertTrue(anyReason(pkl, "Lambda"), () -> ScanVectorsTest.describe(pkl));
        // identical duplicates agree: a note, not a refusal
        byte[] same = String.format(seq, dense).getBytes(StandardCharsets.UTF_8);
        ScanReport agree = scan("m.keras", zip(new ZipMember("metadata.json", meta), new ZipMember("config.json", same),
                new ZipMember("config.json", same)));
        assertVerdict(Verdict.BENIGN, agree);
    }

    @Test
    void duplicatePickleMembersThatDifferAreRefused() throws IOException {
        ScanReport r = scan("m.pt", zip(new ZipMember("archive/data.pkl", Fixtures.torchLikeStateDict()),
                new ZipMember("archive/data.pkl", Fixtures.embedded(Fixtures.torchLikeStateDict()))));
        assertVerdict(Verdict.MALICIOUS, r);
        assertTrue(anyReason(r, "two members are named archive/data.pkl with different content"),
                () -> ScanVectorsTest.describe(r));
    }

    @Test
    void tensorflowGraphOps() throws IOException {
        java.util.function.BiFunction<String, String, byte[]> node = (name, op) ->
                Fixtures.pb(1, Fixtures.pbString(1, name), Fixtures.pbString(2, op));
        byte[] benignGraph = Fixtures.concat(node.apply("c", "Const"), node.apply("save/SaveV2", "SaveV2"));
        byte[] savedModel = Fixtures.concat(Fixtures.pbInt(1, 1), Fixtures.pb(2, Fixtures.pb(2, benignGraph)));
        ScanReport ok = scan("m/saved_model.pb", savedModel);
        assertEquals("tf_savedmodel", ok.format());
        assertVerdict(Verdict.BENIGN, ok);
        // a PyFunc hidden in the function library of the graph
        byte[] library = Fixtures.pb(2, Fixtures.pb(1, Fixtures.pb(3, Fixtures.pbString(1, "f"), Fixtures.pbString(2, "EagerPyFunc"))));
        byte[] evil = Fixtures.concat(Fixtures.pb(2, Fixtures.pb(2, Fixtures.concat(benignGraph, library))));
        assertVerdict(Verdict.MALICIOUS, scan("m/saved_model.pb", evil));
        assertVerdict(Verdict.MALICIOUS, scan("frozen.pb", Fixtures.concat(benignGraph, node.apply("w", "WriteFile"))));
        assertVerdict(Verdict.INVALID, scan("m/saved_model.pb", java.util.Arrays.copyOf(savedModel, savedModel.length - 2)));
    }

    @Test
    void ggufHeaderAndChatTemplate() throws IOException {
        String zephyr = "{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}</s>{% endfor %}";
        assertVerdict(Verdict.BENIGN, scan("m.gguf", Fixtures.gguf(zephyr, 1, 32)));
        String ssti = "{% for x in ().__class__.__base__.__subclasses__() %}{% if 'warning' in x.__name__ %}"
                + "{{ x()._module.__builtins__['__import__']('os').popen('id').read() }}{% endif %}{% endfor %}";
        ScanReport evil = scan("m.gguf", Fixtures.gguf(ssti, 1, 32));
        assertVerdict(Verdict.MALICIOUS, evil);
        assertTrue(anyReason(evil, "CVE-2024-34359"), () -> ScanVectorsTest.describe(evil));
        byte[] whole = Fixtures.gguf(zephyr, 1, 32);
        assertVerdict(Verdict.INVALID, scan("m.gguf", java.util.Arrays.copyOf(whole, 40)));
        byte[] hugeCount = whole.clone();
        hugeCount[15] = 0x7f; // tensor count beyond any limit
        assertVerdict(Verdict.INVALID, scan("m.gguf", hugeCount));
        assertVerdict(Verdict.INVALID, scan("m.gguf", Fixtures.gguf(zephyr, 1, 24))); // misaligned tensor offset
    }
}
