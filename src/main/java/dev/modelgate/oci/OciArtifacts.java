package dev.modelgate.oci;

import dev.modelgate.integrity.ContentCheck;
import dev.modelgate.integrity.Finding;
import dev.modelgate.integrity.Manifest;
import dev.modelgate.integrity.ModelPath;
import dev.modelgate.integrity.ScanCheck;
import dev.modelgate.integrity.Sha256;
import dev.modelgate.oci.ArtifactLayout.Format;
import dev.modelgate.oci.ArtifactLayout.LayerPlan;
import dev.modelgate.oci.ArtifactLayout.Layout;
import dev.modelgate.scan.ByteSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads an artifact's files from a registry: the manifest (digest checked), the layout, and for each file its
 * path, sha256 and size. Two modes:
 * <ul>
 * <li>{@link Mode#DESCRIBE} (approval): raw layers are not downloaded; their existence and size are checked with
 *     HEAD and the layer digest is the file's sha256. Only what the scanner needs is fetched: a safetensors
 *     header or GGUF head by Range request, other raw files whole (pickles must be read to be judged). Tar
 *     layers are always pulled and unpacked.</li>
 * <li>{@link Mode#PULL_ALL} (verification): every blob is downloaded and hashed while it streams.</li>
 * </ul>
 * Tar layers are unpacked as a stream, never to disk and never whole into memory, within {@link Limits}:
 * entry count, total expanded bytes, expansion ratio. Links, device files and whiteouts are refused, as is a
 * path named by two layers.
 */
public final class OciArtifacts {

    public enum Mode { DESCRIBE, PULL_ALL }

    /** Bounds on unpacking tar layers. */
    public record Limits(int maxEntries, long maxExpandedBytes, long maxRatio) {
        /** 100,000 entries, 4 TiB expanded, at most 1000× the compressed size. */
        public static final Limits DEFAULT = new Limits(100_000, 4L << 40, 1000);
    }

    /** One file of the artifact; {@code raw} when the file is a whole layer. */
    public record ArtifactFile(String path, String sha256, long size, int layer, boolean raw) {
    }

    /** What was read: the pinned reference, the manifest, the layout, the files in path order, check findings. */
    public record Result(OciReference pinned, OciManifest manifest, Layout layout, List<ArtifactFile> files,
            List<Finding> findings) {
    }

    /** Largest safetensors header read by Range for scanning (the scanner's own limit is lower). */
    static final long MAX_SAFETENSORS_HEADER = 100L << 20;
    /** Head of a GGUF file read by Range for scanning: metadata and vocabulary. */
    static final int GGUF_HEAD = 32 << 20;

    private final RegistryClient client;
    private final Limits limits;

    public OciArtifacts(RegistryClient client, Limits limits) {
        this.client = client;
        this.limits = limits;
    }

    /**
     * Reads {@code ref}'s files. {@code check} (may be null) sees every file's bytes that are fetched; its findings
     * are returned, not thrown.
     */
    public Result read(OciReference ref, Mode mode, ContentCheck check) throws OciException {
        OciManifest manifest = client.manifest(ref);
        OciReference pinned = ref.pinned(manifest.digest());
        String what = pinned.pinnedForm();
        Layout layout = ArtifactLayout.of(manifest, what);
        List<ArtifactFile> files = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (LayerPlan p : layout.layers()) {
            if (p.format() == Format.RAW) {
                remember(seen, p.path(), p.index(), what);
                findings.addAll(raw(pinned, p, mode, check, what));
                files.add(new ArtifactFile(p.path(), p.layer().digest().substring("sha256:".length()),
                        p.layer().size(), p.index(), true));
            } else {
                for (ArtifactFile f : tar(pinned, p, check, what, findings)) {
                    remember(seen, f.path(), p.index(), what);
                    files.add(f);
                }
            }
        }
        files.sort(Comparator.comparing(ArtifactFile::path, Manifest.PATH_ORDER));
        return new Result(pinned, manifest, layout, List.copyOf(files), List.copyOf(findings));
    }

    private static void remember(Map<String, Integer> seen, String path, int layer, String what) throws OciException {
        Integer earlier = seen.put(path, layer);
        if (earlier != null) {
            throw new OciException(OciException.Kind.BAD_INPUT, what + ": " + path + " is in layer " + earlier
                    + " and again in layer " + layer + "; a later layer overwriting a file is refused, since the "
                    + "approved bytes must be unambiguous");
        }
    }

    private List<Finding> raw(OciReference repo, LayerPlan p, Mode mode, ContentCheck check, String what)
            throws OciException {
        String where = what + ": " + p.describe();
        Descriptor d = p.layer();
        String hex = d.digest().substring("sha256:".length());
        if (mode == Mode.DESCRIBE) {
            String lower = p.path().toLowerCase(Locale.ROOT);
            if (check == null || check instanceof ScanCheck s && s.off(p.path())) {
                client.checkBlob(repo, d, where);
                return List.of();
            }
            if (check instanceof ScanCheck scan && lower.endsWith(".safetensors") && d.size() >= 8) {
                client.checkBlob(repo, d, where);
                byte[] len = client.readRange(repo, d, 0, 8, where);
                long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
                byte[] head = len;
                if (n > 0 && n <= MAX_SAFETENSORS_HEADER && n <= d.size() - 8) {
                    // at least 4 KiB: the scanner probes the first 512 bytes before it reads the header
                    byte[] header = client.readRange(repo, d, 8, (int) Math.max(n, 4096 - 8), where);
                    head = new byte[8 + header.length];
                    System.arraycopy(len, 0, head, 0, 8);
                    System.arraycopy(header, 0, head, 8, header.length);
                }
                return scan.scanPartial(p.path(), new HeadSource(head, d.size()));
            }
            if (check instanceof ScanCheck scan && lower.endsWith(".gguf")) {
                client.checkBlob(repo, d, where);
                byte[] head = client.readRange(repo, d, 0, (int) Math.min(d.size(), GGUF_HEAD), where);
                return scan.scanPartial(p.path(), new HeadSource(head, d.size()));
            }
        }
        // Pull the whole blob: its digest is checked at the end of the stream.
        ContentCheck.Session session = check == null ? null : check.open(p.path(), d.size());
        try (InputStream in = client.openBlob(repo, d, where)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (session != null) {
                    session.update(buf, 0, n);
                }
            }
        } catch (RegistryClient.OciIOException e) {
            throw e.oci();
        } catch (IOException e) {
            throw new OciException(OciException.Kind.TRANSPORT, where + ": " + e.getMessage(), e);
        }
        return session == null ? List.of() : session.finish(hex);
    }

    private List<ArtifactFile> tar(OciReference repo, LayerPlan p, ContentCheck check, String what,
            List<Finding> findings) throws OciException {
        String where = what + ": " + p.describe();
        Descriptor d = p.layer();
        List<ArtifactFile> out = new ArrayList<>();
        InputStream blob = client.openBlob(repo, d, where);
        long maxExpanded = Math.min(limits.maxExpandedBytes(),
                Math.max(64L << 20, multiplyCapped(d.size(), limits.maxRatio())));
        try {
            try {
                InputStream archive = p.format() == Format.TAR_GZIP ? new GZIPInputStream(blob, 1 << 16) : blob;
                TarArchiveInputStream tar = new TarArchiveInputStream(archive);
                byte[] buf = new byte[1 << 20];
                int entries = 0;
                long expanded = 0;
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    if (++entries > limits.maxEntries()) {
                        throw bad(where + " holds more than " + limits.maxEntries() + " entries");
                    }
                    String name = e.getName();
                    String path = normalise(name);
                    if (e.isDirectory()) {
                        continue;
                    }
                    String base = path.substring(path.lastIndexOf('/') + 1);
                    if (base.startsWith(".wh.")) {
                        throw bad(where + ": '" + name + "' is a whiteout (a file deleted by a later layer); layers that "
                                + "delete files are refused, flatten the image");
                    }
                    if (e.isSymbolicLink() || e.isLink()) {
                        throw bad(where + ": '" + name + "' is a " + (e.isLink() ? "hard" : "symbolic") + " link to '"
                                + e.getLinkName() + "'; links are refused, a model's files must be regular files");
                    }
                    // isFile() alone is true for FIFOs and devices too; regular files only
                    if (!e.isFile() || e.isFIFO() || e.isCharacterDevice() || e.isBlockDevice() || e.isSparse()) {
                        throw bad(where + ": '" + name + "' is not a regular file (device, FIFO or other special entry)");
                    }
                    Optional<String> problem = ModelPath.problem(path);
                    if (problem.isPresent()) {
                        throw bad(where + ": entry '" + name + "': " + problem.get());
                    }
                    ContentCheck.Session session = check == null ? null : check.open(path, e.getSize());
                    MessageDigest md = Sha256.newDigest();
                    long size = 0;
                    int n;
                    while ((n = tar.read(buf)) >= 0) {
                        md.update(buf, 0, n);
                        if (session != null) {
                            session.update(buf, 0, n);
                        }
                        size += n;
                        expanded += n;
                        if (expanded > maxExpanded) {
                            throw bad(where + " expands to more than " + maxExpanded + " bytes (" + limits.maxRatio()
                                    + "× its " + d.size() + " compressed bytes, at most " + limits.maxExpandedBytes()
                                    + "); refusing a decompression bomb");
                        }
                    }
                    if (size != e.getSize()) {
                        throw new OciException(OciException.Kind.MISMATCH, where + ": entry '" + name + "' holds "
                                + size + " bytes but its header says " + e.getSize());
                    }
                    String hex = HexFormat.of().formatHex(md.digest());
                    if (session != null) {
                        findings.addAll(session.finish(hex));
                    }
                    out.add(new ArtifactFile(path, hex, size, p.index(), false));
                }
                // The tar's end does not have to be the blob's end: read the rest so the blob digest is checked.
                RegistryClient.drainAndCheck(blob);
            } catch (RegistryClient.OciIOException e) {
                throw e.oci();
            } catch (OciException e) {
                throw preferMismatch(blob, e);
            } catch (IOException e) {
                throw preferMismatch(blob, new OciException(OciException.Kind.BAD_INPUT, where + " cannot be unpacked ("
                        + e.getMessage() + "); it must be a " + (p.format() == Format.TAR_GZIP ? "gzip-compressed " : "")
                        + "tar archive", e));
            }
        } finally {
            try {
                blob.close();
            } catch (IOException e) {
                // the outcome is already decided
            }
        }
        return out;
    }

    /**
     * A layer that does not unpack may simply be corrupted: read the rest of the blob and, when its digest fails,
     * report that (the registry copy is wrong) rather than the symptom.
     */
    private static OciException preferMismatch(InputStream blob, OciException symptom) {
        if (symptom.kind() == OciException.Kind.TRANSPORT) {
            return symptom;
        }
        try {
            RegistryClient.drainAndCheck(blob);
        } catch (RegistryClient.OciIOException e) {
            return e.oci();
        } catch (IOException e) {
            return symptom;
        }
        return symptom;
    }

    private static long multiplyCapped(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** {@code ./a/b} and {@code /a/b} both name {@code a/b}, as tar tools and runtimes extract them. */
    static String normalise(String name) {
        String p = name;
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** The first bytes of a file of {@code size} bytes; reading past them fails, so the scan says it could not judge. */
    record HeadSource(byte[] head, long size) implements ByteSource {
        @Override
        public int read(long pos, byte[] buf, int off, int len) throws IOException {
            if (pos >= size) {
                return 0;
            }
            if (pos + Math.min(len, size - pos) > head.length) {
                throw new IOException("the scanner needs bytes beyond the " + head.length + " read from the registry");
            }
            int n = (int) Math.min(len, head.length - pos);
            System.arraycopy(head, (int) pos, buf, off, n);
            return n;
        }
    }

    private static OciException bad(String message) {
        return new OciException(OciException.Kind.BAD_INPUT, message);
    }
}
