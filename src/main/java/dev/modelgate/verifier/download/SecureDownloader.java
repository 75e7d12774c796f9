package dev.modelgate.verifier.download;

import dev.modelgate.integrity.ModelPath;
import dev.modelgate.integrity.Sha256;
import dev.modelgate.policy.UrlPrefixes;
import dev.modelgate.verifier.ReasonCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * Downloads one declared file onto the model volume so that only the declared bytes ever appear under its
 * name: https only, under the source's prefixes, TLS verified with the source's trust, redirects only to
 * https, the body capped at the declared size and hashed while it streams, written to a hidden temporary name
 * in the same directory and renamed into place only when size and SHA-256 match. Anything else deletes the
 * temporary file and throws {@link DownloadException}.
 *
 * <p>Transient failures (connection lost, time-outs, 5xx, 408, 429) are retried with exponential backoff;
 * with {@code resume} the next try asks for the rest with an HTTP Range request, and the bytes already on disk
 * are hashed again first (never trusted from an earlier try).
 */
public final class SecureDownloader {

    /** What to fetch: where from, with which trust, to which declared path, size and digest. */
    public record Request(String url, List<String> prefixes, SSLSocketFactory tls, boolean pinnedCa, Path root,
            String path, long size, String sha256) {
    }

    /** A completed download: bytes received over the wire in the last try, total time, tries, resume offset. */
    public record Downloaded(String path, String url, long bytes, long millis, int attempts, long resumedFrom) {
    }

    static final int BUFFER = 1 << 20;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final DownloadSettings settings;

    public SecureDownloader(DownloadSettings settings) {
        this.settings = settings;
    }

    /** Downloads {@code r}; on any failure nothing exists under the final name and no temporary file remains. */
    public Downloaded download(Request r) throws DownloadException {
        long start = System.nanoTime();
        java.util.Optional<String> badPath = ModelPath.problem(r.path());
        if (badPath.isPresent()) {
            throw new DownloadException(ReasonCode.BadPlan, r.path() + ": " + badPath.get());
        }
        java.util.Optional<String> badUrl = UrlPrefixes.problem(r.url(), r.prefixes());
        if (badUrl.isPresent()) {
            throw new DownloadException(ReasonCode.BadPlan, r.path() + ": download refused: " + badUrl.get()
                    + "; fix the file's url in its TrustedModel");
        }
        Path target;
        Path temp;
        try {
            Path dir = directoryInside(r.root(), r.path());
            String name = r.path().substring(r.path().lastIndexOf('/') + 1);
            target = dir.resolve(name);
            temp = dir.resolve(temporaryName(name));
        } catch (IOException e) {
            throw new DownloadException(ReasonCode.IoFailure, r.path() + ": cannot prepare its folder on the volume ("
                    + e.getMessage() + ")");
        }
        long offset = settings.resume() ? usablePartial(temp, r.size()) : deletePartial(temp);
        long resumedFrom = offset;
        DownloadException last = null;
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            if (attempt > 1) {
                sleep(settings.backoffBefore(attempt).toMillis());
                offset = settings.resume() ? usablePartial(temp, r.size()) : deletePartial(temp);
                resumedFrom = offset;
            }
            try {
                long bytes = once(r, temp, target, offset);
                return new Downloaded(r.path(), r.url(), bytes, (System.nanoTime() - start) / 1_000_000, attempt,
                        resumedFrom);
            } catch (DownloadException e) {
                last = e;
                if (!e.transientFailure()) {
                    break;
                }
            }
        }
        deletePartial(temp);
        String tries = last.transientFailure() && settings.attempts() > 1
                ? " (gave up after " + settings.attempts() + " tries)" : "";
        throw new DownloadException(last.code(), last.getMessage() + tries, false);
    }

    /** One try: connects (following https redirects), streams into {@code temp}, renames on a match. */
    private long once(Request r, Path temp, Path target, long offset) throws DownloadException {
        MessageDigest md = Sha256.newDigest();
        if (offset > 0) {
            rehash(temp, offset, md, r.path());
        }
        HttpURLConnection c = connect(r, offset);
        try {
            int status = status(c, r);
            if (offset > 0 && status == 200) {
                // The server ignored the Range request: start over from the first byte.
                offset = 0;
                md.reset();
            } else if (offset > 0 && status == 206) {
                String range = c.getHeaderField("Content-Range");
                if (range == null || !range.trim().startsWith("bytes " + offset + "-")) {
                    deletePartial(temp);
                    throw new DownloadException(ReasonCode.DownloadFailed, r.path() + ": " + r.url()
                            + " answered a Range request for byte " + offset + " with '" + range + "'", true);
                }
            } else if (status != 200) {
                throw new DownloadException(ReasonCode.DownloadFailed, r.path() + ": " + r.url() + " answered "
                        + status + " where 200 was expected", false);
            }
            long remaining = r.size() - offset;
            long announced = c.getContentLengthLong();
            if (announced >= 0 && announced != remaining) {
                throw new DownloadException(ReasonCode.SizeMismatch, r.path() + ": " + r.url() + " announces "
                        + (announced + offset) + " bytes, but the model declares " + r.size()
                        + "; nothing was written under the final name", false);
            }
            long have = stream(c, r, temp, offset, md);
            String sha = HexFormat.of().formatHex(md.digest());
            if (!sha.equals(r.sha256())) {
                throw new DownloadException(ReasonCode.DigestMismatch, r.path() + ": the bytes downloaded from "
                        + r.url() + " have sha256 " + sha + ", expected " + r.sha256()
                        + "; nothing was written under the final name", false);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new DownloadException(ReasonCode.IoFailure, r.path() + ": the volume cannot rename atomically ("
                        + e.getMessage() + ")", false);
            } catch (IOException e) {
                throw new DownloadException(ReasonCode.IoFailure, r.path() + ": cannot rename the download into "
                        + "place (" + e.getMessage() + ")", false);
            }
            return have - offset;
        } catch (DownloadException e) {
            if (!e.transientFailure() || !settings.resume()) {
                deletePartial(temp);
            }
            throw e;
        } finally {
            c.disconnect();
        }
    }

    private HttpURLConnection connect(Request r, long offset) throws DownloadException {
        String url = r.url();
        for (int hop = 0; hop <= settings.maxRedirects(); hop++) {
            HttpsURLConnection c;
            try {
                URL u = new URI(url).toURL();
                c = (HttpsURLConnection) u.openConnection();
            } catch (URISyntaxException | IOException | IllegalArgumentException | ClassCastException e) {
                throw new DownloadException(ReasonCode.DownloadFailed, r.path() + ": cannot open " + url + " ("
                        + e.getMessage() + ")", false);
            }
            c.setSSLSocketFactory(r.tls());
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setConnectTimeout((int) settings.connectTimeout().toMillis());
            c.setReadTimeout((int) settings.readTimeout().toMillis());
            c.setRequestProperty("Accept-Encoding", "identity");
            c.setRequestProperty("User-Agent", "modelgate-verifier");
            if (offset > 0) {
                c.setRequestProperty("Range", "bytes=" + offset + "-");
            }
            int status = status(c, new Request(url, r.prefixes(), r.tls(), r.pinnedCa(), r.root(), r.path(), r.size(),
                    r.sha256()));
            if (!REDIRECTS.contains(status)) {
                return c;
            }
            String location = c.getHeaderField("Location");
            c.disconnect();
            if (location == null) {
                throw new DownloadException(ReasonCode.DownloadFailed, r.path() + ": " + url + " answered " + status
                        + " without a Location", false);
            }
            String next;
            try {
                next = new URI(url).resolve(new URI(location.trim())).toString();
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new DownloadException(ReasonCode.DownloadFailed, r.path() + ": " + url
                        + " redirects to an invalid URL '" + location + "'", false);
            }
            if (!next.toLowerCase(Locale.ROOT).startsWith("https://")) {
                throw new DownloadException(ReasonCode.DownloadFailed, r.path() + ": " + url + " redirects to " + next
                        + "; only https:// redirects are followed, plain HTTP is never used", false);
            }
            url = next;
        }
        throw new DownloadException(ReasonCode.DownloadFailed, r.path() + ": " + r.url() + " redirects more than "
                + settings.maxRedirects() + " times", false);
    }

    /** The status code; TLS failures, 4xx and 5xx become sentences. Redirects and 2xx are returned. */
    private int status(HttpURLConnection c, Request r) throws DownloadException {
        int status;
        try {
            status = c.getResponseCode();
        } catch (SSLException e) {
            String trust = r.pinnedCa() ? "the source's caBundle" : "the JVM trust store (the source pins no CA)";
            throw new DownloadException(ReasonCode.DownloadFailed, r.path() + ": TLS with " + host(r.url())
                    + " failed (" + rootMessage(e) + "); its certificate must chain to " + trust
                    + " and name the host", false);
        } catch (IOException e) {
            throw new DownloadException(ReasonCode.DownloadFailed, r.path() + ": cannot reach " + r.url() + " ("
                    + rootMessage(e) + ")", true);
        }
        if (status == 200 || status == 206 || REDIRECTS.contains(status)) {
            return status;
        }
        String what = r.path() + ": " + r.url() + " answered " + status
                + (c.getHeaderField(0) == null ? "" : " (" + c.getHeaderField(0).trim() + ")");
        if (status == 408 || status == 429 || status >= 500) {
            throw new DownloadException(ReasonCode.DownloadFailed, what, true);
        }
        if (status >= 400) {
            throw new DownloadException(ReasonCode.DownloadFailed, what + "; check the file's url in its "
                    + "TrustedModel and the server's access rules", false);
        }
        return status;
    }

    private long stream(HttpURLConnection c, Request r, Path temp, long offset, MessageDigest md)
            throws DownloadException {
        OpenOption[] opts = offset > 0
                ? new OpenOption[] {StandardOpenOption.WRITE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS}
                : new OpenOption[] {StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS};
        if (offset == 0) {
            deletePartial(temp);
        }
        long have = offset;
        try (InputStream in = c.getInputStream(); FileChannel out = FileChannel.open(temp, opts)) {
            byte[] buf = new byte[BUFFER];
            ByteBuffer bb = ByteBuffer.wrap(buf);
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    throw new DownloadException(ReasonCode.DownloadFailed, r.path() + ": the connection to "
                            + host(r.url()) + " was lost after " + have + " of " + r.size() + " bytes ("
                            + rootMessage(e) + ")", true);
                }
                if (n < 0) {
                    break;
                }
                if (have + n > r.size()) {
                    throw new DownloadException(ReasonCode.SizeMismatch, r.path() + ": " + r.url()
                            + " sent more than the declared " + r.size() + " bytes; nothing was written under the "
                            + "final name", false);
                }
                md.update(buf, 0, n);
                bb.clear().limit(n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                have += n;
            }
            if (have < r.size()) {
                throw new DownloadException(ReasonCode.DownloadFailed, r.path() + ": the body from " + host(r.url())
                        + " ended after " + have + " of " + r.size() + " bytes", true);
            }
            out.force(true);
        } catch (IOException e) {
            throw new DownloadException(ReasonCode.IoFailure, r.path() + ": cannot write the download to the volume ("
                    + rootMessage(e) + ")", false);
        }
        return have;
    }

    /** Hashes the first {@code length} bytes already on disk: a resumed download never trusts earlier bytes. */
    private static void rehash(Path temp, long length, MessageDigest md, String path) throws DownloadException {
        try (FileChannel in = FileChannel.open(temp, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buf = ByteBuffer.allocate(BUFFER);
            long left = length;
            while (left > 0) {
                buf.clear().limit((int) Math.min(buf.capacity(), left));
                int n = in.read(buf);
                if (n < 0) {
                    throw new IOException("partial download shrank while it was read");
                }
                buf.flip();
                md.update(buf);
                left -= n;
            }
        } catch (IOException e) {
            deletePartial(temp);
            throw new DownloadException(ReasonCode.DownloadFailed, path + ": cannot read the partial download ("
                    + e.getMessage() + ")", true);
        }
    }

    /**
     * The directory of {@code path} below {@code root}, created one level at a time; an existing component that
     * is a symbolic link or not a directory is refused, so nothing is ever created or written outside the volume.
     */
    static Path directoryInside(Path root, String path) throws IOException, DownloadException {
        Path dir = root.toRealPath();
        String[] parts = path.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            dir = dir.resolve(parts[i]);
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (java.nio.file.NoSuchFileException e) {
                Files.createDirectory(dir);
                continue;
            }
            if (a.isSymbolicLink()) {
                throw new DownloadException(ReasonCode.SymlinkEscape, path + ": folder " + root.relativize(dir)
                        + " is a symbolic link; downloads are written only into real folders of the volume");
            }
            if (!a.isDirectory()) {
                throw new DownloadException(ReasonCode.NotAFile, path + ": " + root.relativize(dir)
                        + " is a file, not a folder; the download has nowhere to go");
            }
        }
        return dir;
    }

    /** {@code .<name>.modelgate-partial}, or a digest-based name when that would exceed 255 bytes. */
    static String temporaryName(String name) {
        String t = "." + name + ".modelgate-partial";
        if (t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255) {
            return t;
        }
        byte[] d = Sha256.newDigest().digest(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return ".modelgate-partial-" + HexFormat.of().formatHex(d, 0, 16);
    }

    /** Length of a regular partial file no longer than the declared size; anything else is deleted (0). */
    private static long usablePartial(Path temp, long size) {
        try {
            BasicFileAttributes a = Files.readAttributes(temp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isRegularFile() && a.size() > 0 && a.size() < size) {
                return a.size();
            }
        } catch (IOException e) {
            return 0;
        }
        return deletePartial(temp);
    }

    private static long deletePartial(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // Never under the final name; the strict check reports it if it survives.
        }
        return 0;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String host(String url) {
        try {
            URI u = new URI(url);
            return u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort());
        } catch (URISyntaxException e) {
            return url;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replace('\n', ' ');
    }
}
