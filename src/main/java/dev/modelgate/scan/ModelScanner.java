package dev.modelgate.scan;

import dev.modelgate.scan.archive.TarArchive;
import dev.modelgate.scan.archive.ZipArchive;
import dev.modelgate.scan.code.FolderFiles;
import dev.modelgate.scan.gguf.GgufCheck;
import dev.modelgate.scan.keras.Hdf5KerasCheck;
import dev.modelgate.scan.keras.KerasConfigCheck;
import dev.modelgate.scan.numpy.NpyHeader;
import dev.modelgate.scan.onnx.OnnxCheck;
import dev.modelgate.scan.pickle.LegacyTorchTar;
import dev.modelgate.scan.pickle.PickleRules;
import dev.modelgate.scan.pickle.PickleStream;
import dev.modelgate.scan.pickle.PickleWalker;
import dev.modelgate.scan.safetensors.SafetensorsCheck;
import dev.modelgate.scan.tf.TfGraphCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The model scanner: finds code-execution payloads in model files without loading them. The format is found
 * from the content (magic bytes), never from the extension; the extension only decides whether content that
 * matches no format is {@code invalid} (a {@code .pt} that is neither zip nor pickle) or merely unknown.
 * Plain Java, no framework; thread-safe (each scan keeps its own state).
 */
public final class ModelScanner {

    /** Extensions that promise a format: content matching none of the scanned formats is invalid. */
    private static final Set<String> PROMISING_EXTENSIONS = Set.of(
            "pt", "pth", "ckpt", "pkl", "pickle", "joblib", "dill", "npy", "npz", "safetensors");

    private final PickleRules rules;
    private final ScanLimits limits;
    private final boolean codeReviewed;

    public ModelScanner() {
        this(PickleRules.defaults(), ScanLimits.defaults());
    }

    public ModelScanner(PickleRules rules, ScanLimits limits) {
        this(rules, limits, false);
    }

    private ModelScanner(PickleRules rules, ScanLimits limits, boolean codeReviewed) {
        this.rules = rules;
        this.limits = limits;
        this.codeReviewed = codeReviewed;
    }

    /** This scanner with a file's reviewed exceptions (its TrustedModel's spec.scan.allowGlobals/allowCode). */
    public ModelScanner withExceptions(ScanExceptions exceptions) {
        if (exceptions == null || exceptions.isNone()) {
            return this;
        }
        return new ModelScanner(rules.withReviewed(exceptions.globals()), limits, exceptions.codeReviewed());
    }

    public boolean codeReviewed() {
        return codeReviewed;
    }

    public ScanLimits limits() {
        return limits;
    }

    /** Scans one file; an unreadable file is reported as {@code invalid}, never thrown. */
    public ScanReport scanFile(Path path) {
        String name = path.toString();
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(path)) {
            return new ScanReport(name, "unreadable", Verdict.INVALID, List.of(), "not a regular file", List.of());
        }
        try (FileSource src = new FileSource(path)) {
            return scan(name, src);
        } catch (IOException e) {
            return new ScanReport(name, "unreadable", Verdict.INVALID, List.of(), "cannot read: " + e.getMessage(),
                    List.of());
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // a scanner defect must not pass a file or stop the others: the file is reported as not parsed
            return new ScanReport(name, "unknown", Verdict.INVALID, List.of(), "scanner error: " + e, List.of());
        }
    }

    /** Scans bytes under a display name (its extension matters only for content that matches no format). */
    public ScanReport scan(String name, ByteSource src) throws IOException {
        return scanUnit(name, src, 0, false, new PickleWalker.Budget());
    }

    // ---- one unit: a file or an archive member ---------------------------------------------------------

    private static final class Unit {
        final String name;
        String format = "unknown";
        final List<ScanFinding> findings = new ArrayList<>();
        String error;
        final List<ScanReport> members = new ArrayList<>();
        boolean dataOnly;

        Unit(String name) {
            this.name = name;
        }

        ScanReport report() {
            findings.sort((a, b) -> a.severity() != b.severity() ? a.severity().compareTo(b.severity())
                    : Long.compare(a.offset(), b.offset()));
            return new ScanReport(name, format, ScanReport.verdictOf(findings, error, members), findings, error, members);
        }
    }

    private ScanReport scanUnit(String name, ByteSource src, int depth, boolean member, PickleWalker.Budget budget)
            throws IOException {
        Unit u = new Unit(name);
        byte[] head = src.readAt(0, 512);
        String ext = extension(name);
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K'
                && (head[2] == 3 && head[3] == 4 || head[2] == 5 && head[3] == 6 || head[2] == 7 && head[3] == 8)) {
            scanZip(u, src, depth, budget);
        } else if (NpyHeader.hasMagic(head)) {
            scanNpy(u, src, budget);
        } else if (startsWith(head, "GGUF")) {
            u.format = "gguf";
            GgufCheck.Result g = GgufCheck.check(src);
            u.findings.addAll(g.findings());
            u.error = g.error();
        } else if (startsWith(head, "\u0089HDF\r\n\u001a\n")) {
            Hdf5KerasCheck.Result h = Hdf5KerasCheck.check(src, Math.min(limits.maxMemberBytes(), 64 << 20));
            u.format = h.keras() ? "keras_h5" : "hdf5";
            u.findings.addAll(h.findings());
            u.error = h.error();
        } else if (startsWith(head, "7z\u00bc\u00af\u0027\u001c")) {
            unscanned(u, "7z", "7-Zip archive");
        } else if (TarArchive.looksLikeTar(head) && TarArchive.validHeader(head)) {
            scanTar(u, src, depth, budget);
        } else if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            unscanned(u, "gzip", "gzip stream");
        } else if (startsWith(head, "\u00fd7zXZ\u0000") || startsWith(head, "BZh")) {
            unscanned(u, "compressed", "xz or bzip2 stream");
        } else if (SafetensorsCheck.looksLike(head, src.size())) {
            scanSafetensors(u, src, head, budget);
        } else if (head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 0 && head[1] <= 5) {
            scanPickle(u, src, budget, member && !promisesPickle(name));
        } else if (plausibleProtocolZero(head, member && !promisesPickle(name)) && tryProtocolZero(u, src, budget)) {
            // a protocol 0/1 pickle (no PROTO opcode): recognised because it parses to STOP
        } else if ((ext.equals("onnx") || !member && OnnxCheck.looksLike(head)) && scanOnnx(u, src, ext.equals("onnx"))) {
            // an ONNX model: external data locations checked
        } else if (ext.equals("pb") && scanTfGraph(u, src, name)) {
            // a TensorFlow graph: ops judged
        } else if (!member && FolderFiles.handles(name)) {
            // code, configuration and text of a model folder (auto_map, *.py, chat templates, README, ...)
            FolderFiles.Result r = FolderFiles.check(name, src, codeReviewed);
            u.format = r.format();
            u.findings.addAll(r.findings());
            u.error = r.error();
        } else if (member && !promisesPickle(name)) {
            u.format = "data";
            u.dataOnly = true;
        } else if (member || PROMISING_EXTENSIONS.contains(ext)) {
            u.format = ext.isEmpty() ? "unknown" : ext;
            u.error = "content matches no scanned format (neither zip, pickle, npy nor safetensors)"
                    + (ext.isEmpty() ? "" : " although the name ends in ." + ext);
        } else {
            u.format = "unknown";
            u.findings.add(ScanFinding.of(Severity.MEDIUM, 0,
                    "format not recognised from its content: not scanned, so not known to be safe"));
        }
        ScanReport r = u.report();
        return u.dataOnly ? null : r;
    }

    /**
     * Whether bytes without a PROTO opcode may be a protocol 0/1 pickle worth a trial walk. For archive members
     * that do not claim to be pickles, a first opcode that reads a text line must find its newline within the
     * first bytes, so tensor data is not read line by line.
     */
    private static boolean plausibleProtocolZero(byte[] head, boolean strict) {
        if (head.length == 0 || "(cidl}]SVIKNFLTUXJ".indexOf((char) (head[0] & 0xff)) < 0) {
            return false;
        }
        if (!strict || "cidlSVIFL".indexOf((char) (head[0] & 0xff)) < 0) {
            return true;
        }
        for (int i = 1; i < head.length; i++) {
            int c = head[i] & 0xff;
            if (c == '\n') {
                return true;
            }
            if (c < 0x20 && c != '\t' && c != '\r') {
                return false;
            }
        }
        return false;
    }

    private boolean scanOnnx(Unit u, ByteSource src, boolean claimed) throws IOException {
        OnnxCheck.Result r = OnnxCheck.check(src);
        if (r.error() != null && !claimed) {
            return false; // only looked like a protobuf: fall through to unknown
        }
        u.format = "onnx";
        u.findings.addAll(r.findings());
        u.error = r.error();
        return true;
    }

    private boolean scanTfGraph(Unit u, ByteSource src, String name) throws IOException {
        boolean savedModel = name.endsWith("saved_model.pb");
        TfGraphCheck.Result r = TfGraphCheck.check(src, savedModel);
        if (r.error() != null && !savedModel) {
            return false; // some other protobuf: unknown
        }
        u.format = savedModel ? "tf_savedmodel" : "tf_graph";
        u.findings.addAll(r.findings());
        u.error = r.error();
        return true;
    }

    private void unscanned(Unit u, String format, String what) {
        u.format = format;
        u.findings.add(ScanFinding.of(Severity.MEDIUM, 0,
                what + " is recognised but this version does not scan it: not known to be safe"));
    }

    // ---- pickle ----------------------------------------------------------------------------------------

    private void scanPickle(Unit u, ByteSource src, PickleWalker.Budget budget, boolean lenient) {
        PickleStream.Result r = PickleStream.scan(src, rules, limits, budget);
        if (lenient && r.error() != null && !r.knownDanger()) {
            u.format = "data"; // bytes that merely start like a pickle, in a member that does not claim to be one
            u.dataOnly = true;
            return;
        }
        u.format = r.torchLegacy() ? "pytorch" : "pickle";
        u.findings.addAll(r.findings());
        u.error = r.error();
    }

    private boolean tryProtocolZero(Unit u, ByteSource src, PickleWalker.Budget budget) {
        PickleStream.Result r = PickleStream.scan(src, rules, limits, budget);
        if (r.error() != null || r.pickles() == 0) {
            return false;
        }
        u.format = r.torchLegacy() ? "pytorch" : "pickle";
        u.findings.addAll(r.findings());
        return true;
    }

    // ---- numpy -----------------------------------------------------------------------------------------

    private void scanNpy(Unit u, ByteSource src, PickleWalker.Budget budget) throws IOException {
        u.format = "numpy";
        NpyHeader h;
        try {
            h = NpyHeader.read(src, Math.min(limits.maxHeaderBytes(), 1 << 20));
        } catch (NpyHeader.NpyFormatException e) {
            u.error = e.getMessage();
            return;
        }
        if (!h.hasObjects()) {
            return;
        }
        u.findings.add(ScanFinding.of(Severity.LOW, h.dataOffset(),
                "object dtype: the array data is a pickle (numpy loads it only with allow_pickle=True)"));
        PickleStream.Result r = PickleStream.scan(src.slice(h.dataOffset(), src.size() - h.dataOffset()), rules,
                limits, budget);
        for (ScanFinding f : r.findings()) {
            u.findings.add(new ScanFinding(f.severity(), f.module(), f.name(),
                    f.offset() < 0 ? f.offset() : f.offset() + h.dataOffset(), f.reason()));
        }
        if (r.error() != null) {
            u.error = "object array pickle: " + r.error();
        }
    }

    // ---- safetensors -----------------------------------------------------------------------------------

    private void scanSafetensors(Unit u, ByteSource src, byte[] head, PickleWalker.Budget budget) throws IOException {
        u.format = "safetensors";
        SafetensorsCheck.Result r = SafetensorsCheck.check(src, limits.maxHeaderBytes());
        u.findings.addAll(r.findings());
        u.error = r.error();
        if ((head[0] & 0xff) == 0x80 && head[1] >= 0 && head[1] <= 5
                || "(cidl}]SVIKNFLTUXJ".indexOf((char) (head[0] & 0xff)) >= 0) {
            // the length prefix also reads as the start of a pickle: torch.load would unpickle this file
            PickleStream.Result p = PickleStream.scan(src, rules, limits, budget);
            if (p.error() == null || p.knownDanger()) {
                if (r.error() != null) { // not safetensors after all: it is the pickle
                    u.format = p.torchLegacy() ? "pytorch" : "pickle";
                    u.error = p.error();
                }
                for (ScanFinding f : p.findings()) {
                    u.findings.add(new ScanFinding(f.severity(), f.module(), f.name(), f.offset(),
                            (r.error() == null ? "safetensors/pickle polyglot: " : "") + f.reason()));
                }
            }
        }
    }

    // ---- archives --------------------------------------------------------------------------------------

    private void scanZip(Unit u, ByteSource src, int depth, PickleWalker.Budget budget) throws IOException {
        u.format = "zip";
        ZipArchive zip;
        try {
            zip = ZipArchive.read(src, limits.maxEntries());
        } catch (ZipArchive.ZipFormatException e) {
            u.error = e.getMessage();
            if (e.getMessage().contains("more than the limit")) {
                u.findings.add(ScanFinding.of(Severity.HIGH, -1, "archive " + e.getMessage() + "; not scanned"));
            }
            return;
        }
        boolean anyPkl = false;
        boolean code = false;
        boolean allNpy = true;
        int files = 0;
        for (ZipArchive.Entry e : zip.entries()) {
            if (e.isDirectory()) {
                continue;
            }
            files++;
            String n = e.name();
            anyPkl |= n.endsWith(".pkl");
            code |= n.startsWith("code/") || n.contains("/code/") || n.endsWith("constants.pkl");
            allNpy &= n.endsWith(".npy");
        }
        if (code) {
            u.format = "torchscript";
            u.findings.add(ScanFinding.of(Severity.MEDIUM, -1, "TorchScript archive: its code/ sources are compiled "
                    + "and run by torch.jit.load (and by torch.load(weights_only=True) before torch 2.6, CVE-2025-32434)"));
        } else if (anyPkl) {
            u.format = "pytorch";
        } else if (allNpy && files > 0) {
            u.format = "npz";
        }
        // judged as Keras whatever else the archive holds: an extra .pkl member must not hide the config Keras reads
        boolean keras = zip.entries().stream().anyMatch(e -> e.name().equals("config.json"))
                && (zip.entries().stream().anyMatch(e -> e.name().equals("metadata.json"))
                || u.name.toLowerCase(Locale.ROOT).endsWith(".keras"));
        if (keras) {
            if (u.format.equals("zip")) {
                u.format = "keras_v3";
            }
            for (ZipArchive.Entry config : zip.entries()) {
                if (config.name().equals("config.json")) {
                    scanKerasConfig(u, src, config); // every copy: zipfile (Keras) reads the last one
                }
            }
        }
        duplicates(u, src, zip);
        if (zip.prefixBytes() > 0) {
            u.findings.add(ScanFinding.of(Severity.LOW, 0, zip.prefixBytes() + " bytes precede the archive"));
        }
        for (ZipArchive.Entry e : zip.entries()) {
            if (!e.isDirectory()) {
                scanZipEntry(u, src, e, depth, budget);
            }
        }
    }

    /**
     * Members that share a name: Python's zipfile (Keras, numpy) loads the last one in the central directory,
     * PyTorch's reader locates one by its own search. Every copy is scanned; copies that differ mean two loaders
     * may read different bytes under one name, which no model writer produces: refused.
     */
    private void duplicates(Unit u, ByteSource src, ZipArchive zip) {
        java.util.Map<String, ZipArchive.Entry> seen = new java.util.HashMap<>();
        for (ZipArchive.Entry e : zip.entries()) {
            ZipArchive.Entry before = seen.put(e.name(), e);
            if (before == null) {
                continue;
            }
            boolean same = before.crc() == e.crc() && before.size() == e.size() && before.method() == e.method();
            u.findings.add(ScanFinding.of(same ? Severity.LOW : Severity.HIGH, e.localHeaderOffset(),
                    "two members are named " + e.name() + (same ? " with the same content"
                            : " with different content: Python's zipfile loads the last, PyTorch's reader may load "
                            + "another, so what a loader reads is not what was judged alone; refused")));
        }
    }

    private void scanKerasConfig(Unit u, ByteSource src, ZipArchive.Entry config) throws IOException {
        if (config.problem() != null || config.encrypted() || (config.method() != 0 && config.method() != 8)) {
            u.findings.add(ScanFinding.of(Severity.MEDIUM, config.localHeaderOffset(),
                    "config.json cannot be read, so the model's layers were not checked"));
            return;
        }
        ByteSource raw = src.slice(config.dataOffset(), config.compressedSize());
        int cap = Math.min(limits.maxHeaderBytes(), 64 << 20);
        byte[] bytes;
        if (config.method() == 8) {
            Inflated inf = inflate(raw, cap);
            if (!inf.ok) {
                u.findings.add(ScanFinding.of(Severity.MEDIUM, config.localHeaderOffset(),
                        "config.json: " + inf.problem + "; the model's layers were not checked"));
                return;
            }
            bytes = inf.bytes;
        } else if (config.compressedSize() > cap) {
            u.findings.add(ScanFinding.of(Severity.MEDIUM, config.localHeaderOffset(),
                    "config.json is larger than " + cap + " bytes; the model's layers were not checked"));
            return;
        } else {
            bytes = raw.readAt(0, (int) config.compressedSize());
        }
        KerasConfigCheck.Result r = KerasConfigCheck.check(bytes);
        u.findings.addAll(r.findings());
        if (r.error() != null) {
            u.error = r.error();
        }
    }

    private void scanZipEntry(Unit u, ByteSource src, ZipArchive.Entry e, int depth, PickleWalker.Budget budget)
            throws IOException {
        String memberName = u.name + ":" + e.name();
        if (u.format.equals("keras_v3") && e.name().endsWith(".weights.h5")) {
            return; // Keras 3 weights: arrays read by h5py, no code; the layers that use them are in config.json
        }
        List<ScanFinding> quirks = new ArrayList<>();
        if (e.localName() != null && !e.localName().equals(e.name())) {
            quirks.add(ScanFinding.of(Severity.LOW, e.localHeaderOffset(), "local header names the member '"
                    + e.localName() + "' but the central directory says '" + e.name() + "' (loaders use the latter)"));
        }
        int oddFlags = e.flags() & ~(0x1 | 0x2 | 0x4 | 0x8 | 0x800);
        if (oddFlags != 0) {
            quirks.add(ScanFinding.of(Severity.LOW, e.localHeaderOffset(), String.format(
                    "unusual general-purpose flag bits 0x%x (PyTorch ignores them; other tools refuse the archive)",
                    oddFlags)));
        }
        if (e.problem() != null) {
            u.findings.add(ScanFinding.of(Severity.MEDIUM, e.localHeaderOffset(), e.name() + ": " + e.problem()
                    + "; member not scanned"));
            return;
        }
        if (e.method() != 0 && e.method() != 8) {
            u.findings.add(ScanFinding.of(Severity.MEDIUM, e.localHeaderOffset(), e.name()
                    + ": compression method " + e.method() + " is not supported; member not scanned"));
            return;
        }
        boolean deflated = e.method() == 8;
        if (deflated && e.size() > (1 << 20) && e.size() / Math.max(1, e.compressedSize()) > limits.maxRatio()) {
            u.findings.add(ScanFinding.of(Severity.MEDIUM, e.localHeaderOffset(), e.name() + ": declared expansion "
                    + "ratio " + e.size() / Math.max(1, e.compressedSize()) + ":1 exceeds " + limits.maxRatio()
                    + ":1 (zip bomb?)"));
        }
        ByteSource raw = src.slice(e.dataOffset(), e.compressedSize());
        byte[] head;
        if (deflated) {
            Inflated h = inflate(raw, 512);
            if (!h.ok && !h.problem.startsWith("inflates to more") && !e.encrypted()) {
                u.findings.add(ScanFinding.of(Severity.MEDIUM, e.localHeaderOffset(), e.name() + ": " + h.problem
                        + "; member not scanned"));
                return;
            }
            head = h.bytes;
        } else {
            head = raw.readAt(0, 512);
        }
        if (e.encrypted()) {
            Inflated plain = deflated ? inflate(raw, (int) Math.min(limits.maxMemberBytes(), 64 << 20)) : null;
            long crc = -1;
            if (plain != null && plain.ok) {
                crc = crc(plain.bytes);
            } else if (!deflated && e.compressedSize() <= (64 << 20)) {
                crc = crc(raw.readAt(0, (int) e.compressedSize()));
            }
            if (crc != e.crc()) {
                u.findings.add(ScanFinding.of(Severity.MEDIUM, e.localHeaderOffset(), e.name()
                        + ": encrypted member: its content cannot be scanned"));
                return;
            }
            quirks.add(ScanFinding.of(Severity.LOW, e.localHeaderOffset(), "encryption flag set on plain data "
                    + "(CVE-2025-1945: PyTorch reads it, zipfile-based scanners skip it)"));
        }
        boolean nestedArchive = head.length >= 4 && head[0] == 'P' && head[1] == 'K';
        if (nestedArchive && depth + 1 > limits.maxArchiveDepth()) {
            u.findings.add(ScanFinding.of(Severity.MEDIUM, e.localHeaderOffset(), e.name() + ": archive nested deeper "
                    + "than " + limits.maxArchiveDepth() + " levels; not scanned"));
            return;
        }
        ByteSource content = deflated ? ByteSource.of(head) : raw; // a deflated data member: its first bytes only
        if (deflated && needsWholeMember(head, e.name())) {
            Inflated all = inflate(raw, limits.maxMemberBytes());
            if (!all.ok) {
                boolean pickle = looksLikePickleMember(head, e.name());
                u.findings.add(ScanFinding.of(pickle ? Severity.HIGH : Severity.MEDIUM, e.localHeaderOffset(),
                        e.name() + ": " + all.problem + "; member not fully scanned"));
                return;
            }
            if (all.bytes.length > e.size()) {
                quirks.add(ScanFinding.of(Severity.MEDIUM, e.localHeaderOffset(), "inflates to more bytes ("
                        + all.bytes.length + ") than declared (" + e.size() + ")"));
            }
            if (e.compressedSize() > 0 && all.bytes.length > (1 << 20)
                    && all.bytes.length / e.compressedSize() > limits.maxRatio()) {
                quirks.add(ScanFinding.of(Severity.MEDIUM, e.localHeaderOffset(), "expansion ratio "
                        + all.bytes.length / e.compressedSize() + ":1 exceeds " + limits.maxRatio() + ":1"));
            }
            content = ByteSource.of(all.bytes);
            if (!e.encrypted() && crc(all.bytes) != e.crc()) {
                quirks.add(ScanFinding.of(Severity.LOW, e.localHeaderOffset(), "CRC mismatch (PyTorch does not check it)"));
            }
        }
        ScanReport m = scanUnit(memberName, content, depth + 1, true, budget);
        if (m != null && !deflated && !e.encrypted() && m.format().equals("pickle")
                && e.compressedSize() <= (64 << 20) && crc(raw.readAt(0, (int) e.compressedSize())) != e.crc()) {
            // checked only for members that are pickles: tensor data is never read just to check a CRC
            quirks.add(ScanFinding.of(Severity.LOW, e.localHeaderOffset(), "CRC mismatch (PyTorch does not check it)"));
        }
        if (m == null && quirks.stream().noneMatch(q -> q.severity().atLeast(Severity.MEDIUM))) {
            return; // tensor data or other plain bytes: nothing to report
        }
        List<ScanFinding> all = new ArrayList<>(quirks);
        all.sort((a, b) -> a.severity().compareTo(b.severity()));
        String format = "data";
        String error = null;
        List<ScanReport> sub = List.of();
        if (m != null) {
            all.addAll(m.findings());
            format = m.format();
            error = m.error();
            sub = m.members();
        }
        u.members.add(new ScanReport(memberName, format, ScanReport.verdictOf(all, error, sub), all, error, sub));
    }

    private static boolean needsWholeMember(byte[] head, String name) {
        return looksLikePickleMember(head, name) || NpyHeader.hasMagic(head)
                || head.length >= 4 && head[0] == 'P' && head[1] == 'K'
                || head.length >= 9 && head[8] == '{';
    }

    private static boolean looksLikePickleMember(byte[] head, String name) {
        return promisesPickle(name) || head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 0 && head[1] <= 5
                || head.length > 0 && "(cidl}]SVIKNFLTUXJ".indexOf((char) (head[0] & 0xff)) >= 0;
    }

    private static boolean promisesPickle(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".pkl") || n.endsWith(".pickle");
    }

    private void scanTar(Unit u, ByteSource src, int depth, PickleWalker.Budget budget) throws IOException {
        u.format = "tar";
        List<String> problems = new ArrayList<>();
        List<TarArchive.Member> members = TarArchive.read(src, limits.maxEntries(), problems);
        if (members.stream().anyMatch(m -> m.name().equals("pickle"))) {
            u.format = "pytorch"; // torch < 0.4 checkpoint: sys_info, pickle, storages, tensors
        }
        if (!problems.isEmpty()) {
            u.error = String.join("; ", problems);
        }
        for (TarArchive.Member m : members) {
            if (!m.isFile()) {
                continue;
            }
            ByteSource content = src.slice(m.dataOffset(), m.size());
            byte[] head = content.readAt(0, 512);
            if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && depth + 1 > limits.maxArchiveDepth()) {
                u.findings.add(ScanFinding.of(Severity.MEDIUM, m.dataOffset(), m.name() + ": archive nested deeper "
                        + "than " + limits.maxArchiveDepth() + " levels; not scanned"));
                continue;
            }
            String memberName = u.name + ":" + m.name();
            if (u.format.equals("pytorch") && (m.name().equals("storages") || m.name().equals("tensors"))) {
                PickleStream.Result r = LegacyTorchTar.scan(content, m.name().equals("storages"), rules, limits, budget);
                u.members.add(new ScanReport(memberName, "pickle", ScanReport.verdictOf(r.findings(), r.error(),
                        List.of()), r.findings(), r.error(), List.of()));
                continue;
            }
            // the legacy checkpoint's members are pickles whatever their names
            ScanReport r = scanUnit(u.format.equals("pytorch") && !m.name().contains(".") ? memberName + ".pkl"
                    : memberName, content, depth + 1, true, budget);
            if (r != null) {
                u.members.add(new ScanReport(memberName, r.format(), r.verdict(), r.findings(), r.error(), r.members()));
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private record Inflated(byte[] bytes, boolean ok, String problem) {
    }

    /** Inflates at most {@code limit} bytes; a stream that would produce more is reported, not expanded. */
    private static Inflated inflate(ByteSource raw, int limit) throws IOException {
        Inflater inf = new Inflater(true);
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(Math.min(limit, 1 << 16));
            byte[] in = new byte[1 << 16];
            byte[] buf = new byte[1 << 16];
            long pos = 0;
            while (!inf.finished()) {
                if (inf.needsInput()) {
                    int n = raw.read(pos, in, 0, in.length);
                    if (n <= 0) {
                        inf.setInput(new byte[1]); // a dummy byte lets nowrap streams finish
                        int k = inf.inflate(buf);
                        out.write(buf, 0, Math.min(k, limit - out.size()));
                        if (!inf.finished()) {
                            return new Inflated(out.toByteArray(), false, "deflate stream is truncated");
                        }
                        break;
                    }
                    pos += n;
                    inf.setInput(in, 0, n);
                }
                int k = inf.inflate(buf);
                if (k == 0 && inf.needsDictionary()) {
                    return new Inflated(out.toByteArray(), false, "deflate stream needs a preset dictionary");
                }
                if (out.size() + k > limit) {
                    out.write(buf, 0, limit - out.size());
                    return new Inflated(out.toByteArray(), false, "inflates to more than " + limit + " bytes");
                }
                out.write(buf, 0, k);
            }
            return new Inflated(out.toByteArray(), true, null);
        } catch (DataFormatException e) {
            return new Inflated(new byte[0], false, "corrupt deflate data: " + e.getMessage());
        } finally {
            inf.end();
        }
    }

    private static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    private static boolean startsWith(byte[] head, String magic) {
        if (head.length < magic.length()) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if ((head[i] & 0xff) != magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String extension(String name) {
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf(':')) + 1);
        int dot = base.lastIndexOf('.');
        return dot < 0 ? "" : base.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
