package dev.modelgate.scan;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Builders for the project's own scanner fixtures: pickles opcode by opcode, quirky zips, tars, npy files. */
public final class Fixtures {
    private Fixtures() {
    }

    /** Writes pickle opcodes by hand, so every bypass shape can be built exactly. */
    public static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public static Pickle proto(int v) {
            Pickle p = new Pickle();
            p.op(0x80).op(v);
            return p;
        }

        public static Pickle text() {
            return new Pickle();
        }

        public Pickle op(int b) {
            out.write(b);
            return this;
        }

        public Pickle raw(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            return this;
        }

        public Pickle raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        public Pickle global(String module, String name) {
            return op('c').raw(module + "\n" + name + "\n");
        }

        public Pickle inst(String module, String name) {
            return op('i').raw(module + "\n" + name + "\n");
        }

        public Pickle str(String s) { // SHORT_BINUNICODE
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return op(0x8c).op(b.length).raw(b);
        }

        public Pickle binunicode(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            le32(b.length);
            return raw(b);
        }

        public Pickle bytes(byte[] b) { // BINBYTES
            op('B');
            le32(b.length);
            return raw(b);
        }

        public Pickle unicode0(String s) { // UNICODE, raw-unicode-escape line
            return op('V').raw(s + "\n");
        }

        public Pickle string0(String quoted) { // STRING, already quoted
            return op('S').raw(quoted + "\n");
        }

        public Pickle stackGlobal() {
            return op(0x93);
        }

        public Pickle mark() {
            return op('(');
        }

        public Pickle tuple() {
            return op('t');
        }

        public Pickle tuple1() {
            return op(0x85);
        }

        public Pickle emptyTuple() {
            return op(')');
        }

        public Pickle reduce() {
            return op('R');
        }

        public Pickle build() {
            return op('b');
        }

        public Pickle none() {
            return op('N');
        }

        public Pickle pop() {
            return op('0');
        }

        public Pickle binint1(int v) {
            return op('K').op(v);
        }

        public Pickle binput(int i) {
            return op('q').op(i);
        }

        public Pickle binget(int i) {
            return op('h').op(i);
        }

        public Pickle put0(int i) {
            return op('p').raw(i + "\n");
        }

        public Pickle get0(int i) {
            return op('g').raw(i + "\n");
        }

        public Pickle memoize() {
            return op(0x94);
        }

        public Pickle stop() {
            return op('.');
        }

        private void le32(int v) {
            out.write(v);
            out.write(v >>> 8);
            out.write(v >>> 16);
            out.write(v >>> 24);
        }

        public byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** {@code module.name("arg")} called through REDUCE, protocol 2 GLOBAL. */
    public static byte[] call(String module, String name, String arg) {
        return Pickle.proto(2).global(module, name).mark().str(arg).tuple().reduce().stop().bytes();
    }

    /** What torch.save writes for a small state_dict, opcode for opcode (allowlisted globals only). */
    /** A pickle whose only value is the bytes of another pickle (inert data until something loads it). */
    public static byte[] embedded(byte[] inner) {
        Pickle p = Pickle.proto(2).op('B');
        p.raw(new byte[] {(byte) inner.length, (byte) (inner.length >> 8), (byte) (inner.length >> 16),
                (byte) (inner.length >>> 24)});
        return p.raw(inner).stop().bytes();
    }

    public static byte[] torchLikeStateDict() {
        Pickle p = Pickle.proto(2);
        p.global("collections", "OrderedDict").binput(0).emptyTuple().reduce().binput(1);
        p.mark();
        p.str("fc.weight").binput(2);
        p.global("torch._utils", "_rebuild_tensor_v2").binput(3);
        p.mark();
        p.mark().str("storage").global("torch", "FloatStorage").binput(4).str("0").str("cpu").binint1(4)
                .tuple().op('Q'); // BINPERSID
        p.binint1(0).binint1(2).binint1(2).op(0x86).binint1(2).binint1(1).op(0x86).op(0x89)
                .global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce().binput(5);
        p.str("fc.bias").binput(6);
        p.binget(3).mark().mark().str("storage").binget(4).str("1").str("cpu").binint1(2).tuple().op('Q')
                .binint1(0).binint1(2).tuple1().binint1(1).tuple1().op(0x89)
                .global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
        p.op('u'); // SETITEMS
        p.mark().str("version").binint1(1).op('d').build(); // _metadata-style BUILD on the dict
        return p.stop().bytes();
    }

    // ---- zip -----------------------------------------------------------------------------------------

    /** One zip member as written, with every field an attacker controls. */
    public static final class ZipMember {
        final String name;
        String localName;
        final byte[] data;
        int flags;
        boolean deflate;
        Long crcOverride;
        Long declaredSize;
        byte[] rawOverride;

        public ZipMember(String name, byte[] data) {
            this.name = name;
            this.localName = name;
            this.data = data;
        }

        public ZipMember flags(int f) {
            flags = f;
            return this;
        }

        public ZipMember localName(String n) {
            localName = n;
            return this;
        }

        public ZipMember deflate() {
            deflate = true;
            return this;
        }

        public ZipMember crc(long c) {
            crcOverride = c;
            return this;
        }

        public ZipMember declaredSize(long s) {
            declaredSize = s;
            return this;
        }

        /** Stores these bytes instead of the data (e.g. ciphertext), keeping the data's CRC. */
        public ZipMember rawData(byte[] raw) {
            rawOverride = raw;
            return this;
        }
    }

    public static byte[] zip(ZipMember... members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream cd = new ByteArrayOutputStream();
        for (ZipMember m : members) {
            CRC32 c = new CRC32();
            c.update(m.data);
            long crc = m.crcOverride != null ? m.crcOverride : c.getValue();
            byte[] stored = m.rawOverride != null ? m.rawOverride : m.deflate ? deflate(m.data) : m.data;
            long size = m.declaredSize != null ? m.declaredSize : m.data.length;
            int offset = out.size();
            byte[] ln = m.localName.getBytes(StandardCharsets.UTF_8);
            le(out, 0x04034b50, 4);
            le(out, 20, 2);
            le(out, m.flags, 2);
            le(out, m.deflate ? 8 : 0, 2);
            le(out, 0, 4);
            le(out, crc, 4);
            le(out, stored.length, 4);
            le(out, size, 4);
            le(out, ln.length, 2);
            le(out, 0, 2);
            out.writeBytes(ln);
            out.writeBytes(stored);
            byte[] cn = m.name.getBytes(StandardCharsets.UTF_8);
            le(cd, 0x02014b50, 4);
            le(cd, 20, 2);
            le(cd, 20, 2);
            le(cd, m.flags, 2);
            le(cd, m.deflate ? 8 : 0, 2);
            le(cd, 0, 4);
            le(cd, crc, 4);
            le(cd, stored.length, 4);
            le(cd, size, 4);
            le(cd, cn.length, 2);
            le(cd, 0, 2);
            le(cd, 0, 2);
            le(cd, 0, 2);
            le(cd, 0, 2);
            le(cd, 0, 4);
            le(cd, offset, 4);
            cd.writeBytes(cn);
        }
        int cdOffset = out.size();
        byte[] cdb = cd.toByteArray();
        out.writeBytes(cdb);
        le(out, 0x06054b50, 4);
        le(out, 0, 2);
        le(out, 0, 2);
        le(out, members.length, 2);
        le(out, members.length, 2);
        le(out, cdb.length, 4);
        le(out, cdOffset, 4);
        le(out, 0, 2);
        return out.toByteArray();
    }

    public static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(9, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (!d.finished()) {
            int n = d.deflate(buf);
            out.write(buf, 0, n);
        }
        d.end();
        return out.toByteArray();
    }

    // ---- tar -----------------------------------------------------------------------------------------

    public static byte[] tar(String[] names, byte[][] contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < names.length; i++) {
            byte[] h = new byte[512];
            put(h, 0, names[i]);
            put(h, 100, "0000644");
            put(h, 108, "0000000");
            put(h, 116, "0000000");
            put(h, 124, String.format("%011o", contents[i].length));
            put(h, 136, "00000000000");
            h[156] = '0';
            put(h, 257, "ustar");
            h[262] = 0;
            put(h, 263, "00");
            for (int k = 148; k < 156; k++) {
                h[k] = ' ';
            }
            long sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            put(h, 148, String.format("%06o", sum));
            h[154] = 0;
            h[155] = ' ';
            out.writeBytes(h);
            out.writeBytes(contents[i]);
            out.writeBytes(new byte[(512 - contents[i].length % 512) % 512]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    // ---- npy -----------------------------------------------------------------------------------------

    public static byte[] npy(String dictLiteral, byte[] data) {
        String header = dictLiteral;
        int total = 10 + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        le(out, header.length(), 2);
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return out.toByteArray();
    }

    // ---- safetensors ---------------------------------------------------------------------------------

    public static byte[] safetensors(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        le(out, h.length, 8);
        out.writeBytes(h);
        out.writeBytes(new byte[dataBytes]);
        return out.toByteArray();
    }

    /** A GGUF v3 file: general.architecture, general.alignment 32, a chat template, one F32 tensor. */
    public static byte[] gguf(String chatTemplate, int elements, long tensorOffset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        le(out, 3, 4);
        le(out, 1, 8); // tensors
        le(out, 3, 8); // key-values
        ggufString(out, "general.architecture");
        le(out, 8, 4);
        ggufString(out, "llama");
        ggufString(out, "general.alignment");
        le(out, 4, 4);
        le(out, 32, 4);
        ggufString(out, "tokenizer.chat_template");
        le(out, 8, 4);
        ggufString(out, chatTemplate);
        ggufString(out, "token_embd.weight");
        le(out, 1, 4);
        le(out, elements, 8);
        le(out, 0, 4); // F32
        le(out, tensorOffset, 8);
        while (out.size() % 32 != 0) {
            out.write(0);
        }
        out.writeBytes(new byte[(int) tensorOffset + 4 * elements]);
        return out.toByteArray();
    }

    private static void ggufString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        le(out, b.length, 8);
        out.writeBytes(b);
    }

    // ---- onnx (protobuf wire format) ------------------------------------------------------------------

    /** A length-delimited protobuf field. */
    public static byte[] pb(int field, byte[]... content) {
        byte[] body = concat(content);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, (long) field << 3 | 2);
        varint(out, body.length);
        out.writeBytes(body);
        return out.toByteArray();
    }

    public static byte[] pbInt(int field, long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, (long) field << 3);
        varint(out, v);
        return out.toByteArray();
    }

    public static byte[] pbString(int field, String s) {
        return pb(field, s.getBytes(StandardCharsets.UTF_8));
    }

    /** TensorProto named {@code name} whose data lives in an external file at {@code location}. */
    public static byte[] onnxExternalTensor(String name, String location) {
        return concat(pbInt(1, 4), pbInt(2, 1), pbString(8, name),
                pb(13, pbString(1, "location"), pbString(2, location)), pb(13, pbString(1, "offset"), pbString(2, "0")),
                pbInt(14, 1));
    }

    /** ModelProto with ir_version 8 and this graph body. */
    public static byte[] onnxModel(byte[] graphBody) {
        return concat(pbInt(1, 8), pbString(2, "fixtures"), pb(7, graphBody));
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    public static List<String> globals(ScanReport r) {
        List<String> out = new ArrayList<>();
        for (ScanFinding f : r.findings()) {
            if (f.module() != null) {
                out.add(f.global());
            }
        }
        for (ScanReport m : r.members()) {
            out.addAll(globals(m));
        }
        return out;
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    private static void le(ByteArrayOutputStream out, long v, int n) {
        for (int i = 0; i < n; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }
}
