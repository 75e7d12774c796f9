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
 *
 * <p>Bytes are only ever written into a file this downloader created itself ({@code O_CREAT|O_EXCL}: never
 * through a link, one name), through the descriptor it created it with. A temporary file left by an earlier run
 * is never written to: when it is a regular file with one link, its bytes are copied into a new file (and hashed
 * again like any resumed prefix); anything else under that name (a symbolic or hard link) is discarded.
 *
 * <p>Each file has one deadline for all its tries and waits ({@link DownloadSettings#deadlineFor}); when it
 * passes, a watchdog closes the connection, so a server that trickles a byte just inside the read timeout ends
 * too.
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
        Deadline deadline = new Deadline(start, settings.deadlineFor(r.size()), r);
        Partial partial = null;
        DownloadException last = null;
        boolean triedAll = false;
        try {
            partial = settings.resume() ? Partial.adopt(temp, r) : Partial.create(temp, r);
            long resumedFrom = partial.length();
            for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
                if (attempt > 1) {
                    deadline.sleep(settings.backoffBefore(attempt).toMillis(), partial.length());
                    if (!settings.resume()) {
                        partial.truncate(0);
                    }
                    resumedFrom = partial.length();
                }
                try {
                    deadline.check(partial.length());
                    long bytes = once(r, partial, target, deadline);
                    partial = null; // renamed into place
                    return new Downloaded(r.path(), r.url(), bytes, (System.nanoTime() - start) / 1_000_000, attempt,
                            resumedFrom);
                } catch (DownloadException e) {
                    last = deadline.expired() ? deadline.failure(partial.length()) : e;
                    if (!last.transientFailure()) {
                        break;
                    }
                    triedAll = attempt == settings.attempts();
                }
            }
        } catch (DownloadException e) {
            last = e;
        } finally {
            if (partial != null) {
                partial.discard();
            }
        }
        String tries = triedAll && settings.attempts() > 1 ? " (gave up after " + settings.attempts() + " tries)" : "";
        throw new DownloadException(last.code(), last.getMessage() + tries, false);
    }

    /** One try: connects (following https redirects), streams into {@code partial}, renames on a match. */
    private long once(Request r, Partial partial, Path target, Deadline deadline) throws DownloadException {
        MessageDigest md = Sha256.newDigest();
        long offset = partial.length();
        if (offset > 0) {
            partial.rehash(md);
        }
        HttpURLConnection c = connect(r, offset, deadline);
        try {
            int status = status(c, r);
            if (offset > 0 && status == 200) {
                // The server ignored the Range request: start over from the first byte.
                offset = 0;
                partial.truncate(0);
                md.reset();
            } else if (offset > 0 && status == 206) {
                String range = c.getHeaderField("Content-Range");
                if (range == null || !range.trim().startsWith("bytes " + offset + "-")) {
                    partial.truncate(0);
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
            long have = stream(c, r, partial, offset, md, deadline);
            String sha = HexFormat.of().formatHex(md.digest());
            if (!sha.equals(r.sha256())) {
                throw new DownloadException(ReasonCode.DigestMismatch, r.path() + ": the bytes downloaded from "
                        + r.url() + " have sha256 " + sha + ", expected " + r.sha256()
                        + "; nothing was written under the final name", false);
            }
            partial.finish(target);
            return have - offset;
        } finally {
            deadline.watch(null);
            c.disconnect();
        }
    }

    private HttpURLConnection connect(Request r, long offset, Deadline deadline) throws DownloadException {
        String url = r.url();
        for (int hop = 0; hop <= settings.maxRedirects(); hop++) {
            deadline.check(offset);
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
            c.setConnectTimeout(deadline.cap(settings.connectTimeout()));
            c.setReadTimeout(deadline.cap(settings.readTimeout()));
            deadline.watch(c);
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

    private long stream(HttpURLConnection c, Request r, Partial partial, long offset, MessageDigest md,
            Deadline deadline) throws DownloadException {
        long have = offset;
        try (InputStream in = c.getInputStream()) {
            byte[] buf = new byte[BUFFER];
            ByteBuffer bb = ByteBuffer.wrap(buf);
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    deadline.check(have);
                    throw new DownloadException(ReasonCode.DownloadFailed, r.path() + ": the connection to "
                            + host(r.url()) + " was lost after " + have + " of " + r.size() + " bytes ("
                            + rootMessage(e) + ")", true);
                }
                // A trickle returns from every read within the read timeout; the deadline still ends it.
                deadline.check(have);
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
                try {
                    partial.write(bb, have);
                } catch (IOException e) {
                    throw new DownloadException(ReasonCode.IoFailure, r.path() + ": cannot write the download to "
                            + "the volume (" + rootMessage(e) + ")", false);
                }
                have += n;
            }
            if (have < r.size()) {
                throw new DownloadException(ReasonCode.DownloadFailed, r.path() + ": the body from " + host(r.url())
                        + " ended after " + have + " of " + r.size() + " bytes", true);
            }
        } catch (IOException e) {
            deadline.check(have);
            throw new DownloadException(ReasonCode.DownloadFailed, r.path() + ": cannot read the body from "
                    + host(r.url()) + " after " + have + " of " + r.size() + " bytes (" + rootMessage(e) + ")", true);
        }
        return have;
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
                try {
                    Files.createDirectory(dir);
                    continue;
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another download of the same folder made it first: judge what is there now
                    a = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                }
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

    /**
     * The temporary file of one download: created here with {@code O_CREAT|O_EXCL} and written only through the
     * descriptor it was created with, so no link (symbolic or hard) planted under its name can redirect a byte.
     */
    static final class Partial {
        private final Path temp;
        private final Request r;
        private final FileChannel ch;
        private final Object fileKey;

        private Partial(Path temp, Request r, FileChannel ch, Object fileKey) {
            this.temp = temp;
            this.r = r;
            this.ch = ch;
            this.fileKey = fileKey;
        }

        /** A new, empty temporary file; whatever had its name before is removed (a link: the name only). */
        static Partial create(Path temp, Request r) throws DownloadException {
            try {
                Files.deleteIfExists(temp);
                FileChannel ch = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS);
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(temp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    ch.close();
                    throw e;
                }
                return new Partial(temp, r, ch, a.fileKey());
            } catch (IOException e) {
                throw new DownloadException(ReasonCode.IoFailure, r.path() + ": cannot create the temporary file "
                        + temp.getFileName() + " on the volume (" + rootMessage(e) + ")", false);
            }
        }

        /**
         * A new temporary file holding the bytes of the one an earlier run left, when that is a regular file with
         * one link, shorter than the declared size; otherwise (a symbolic link, a hard link to a file anywhere, a
         * folder, too long) an empty one, and the old name is discarded without being followed.
         */
        static Partial adopt(Path temp, Request r) throws DownloadException {
            BasicFileAttributes before;
            try {
                before = Files.readAttributes(temp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                return create(temp, r); // nothing left over (or nothing readable): start afresh
            }
            if (!before.isRegularFile() || nlink(temp) != 1 || before.size() <= 0 || before.size() >= r.size()) {
                return create(temp, r);
            }
            // Opened for reading only, without following a link, and judged again once open; then its name is
            // removed and its bytes copied into a file of our own (the old inode is never written).
            try (FileChannel in = FileChannel.open(temp, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                BasicFileAttributes opened = Files.readAttributes(temp, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                boolean same = opened.isRegularFile() && java.util.Objects.equals(opened.fileKey(), before.fileKey())
                        && nlink(temp) == 1;
                Partial fresh = create(temp, r);
                if (same) {
                    try {
                        long n = Math.min(in.size(), r.size() - 1);
                        for (long pos = 0; pos < n; ) {
                            long moved = in.transferTo(pos, n - pos, fresh.ch);
                            if (moved <= 0) {
                                break;
                            }
                            pos += moved;
                        }
                    } catch (IOException e) {
                        fresh.truncate(0);
                    }
                }
                return fresh;
            } catch (IOException e) {
                return create(temp, r);
            }
        }

        long length() throws DownloadException {
            try {
                return ch.size();
            } catch (IOException e) {
                throw io("cannot read the temporary file's length", e);
            }
        }

        void truncate(long size) throws DownloadException {
            try {
                ch.truncate(size);
            } catch (IOException e) {
                throw io("cannot truncate the temporary file", e);
            }
        }

        void write(ByteBuffer bb, long position) throws IOException {
            while (bb.hasRemaining()) {
                position += ch.write(bb, position);
            }
        }

        /** Feeds the bytes already in the file to {@code md}: a resumed download never trusts earlier bytes. */
        void rehash(MessageDigest md) throws DownloadException {
            ByteBuffer buf = ByteBuffer.allocate(BUFFER);
            try {
                long length = ch.size();
                for (long pos = 0; pos < length; ) {
                    buf.clear().limit((int) Math.min(buf.capacity(), length - pos));
                    int n = ch.read(buf, pos);
                    if (n < 0) {
                        throw new IOException("the temporary file shrank while it was read");
                    }
                    buf.flip();
                    md.update(buf);
                    pos += n;
                }
            } catch (IOException e) {
                throw io("cannot read the partial download", e);
            }
        }

        /** Forces the bytes to disk and renames the file onto {@code target}, if its name still names it. */
        void finish(Path target) throws DownloadException {
            try {
                ch.force(true);
                BasicFileAttributes now = Files.readAttributes(temp, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (!now.isRegularFile() || !java.util.Objects.equals(now.fileKey(), fileKey) || nlink(temp) != 1) {
                    throw new DownloadException(ReasonCode.IoFailure, r.path() + ": the temporary file "
                            + temp.getFileName() + " was replaced or linked elsewhere while downloading; nothing "
                            + "was written under the final name", false);
                }
                ch.close();
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new DownloadException(ReasonCode.IoFailure, r.path() + ": the volume cannot rename atomically ("
                        + e.getMessage() + ")", false);
            } catch (IOException e) {
                throw new DownloadException(ReasonCode.IoFailure, r.path() + ": cannot rename the download into "
                        + "place (" + rootMessage(e) + ")", false);
            }
        }

        /** Closes and removes the temporary file (by name: if the name was swapped, only the name goes). */
        void discard() {
            try {
                ch.close();
            } catch (IOException e) {
                // closing a file we only wrote: nothing to recover
            }
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // never under the final name; the strict check reports it if it survives
            }
        }

        private DownloadException io(String what, IOException e) {
            return new DownloadException(ReasonCode.IoFailure, r.path() + ": " + what + " (" + rootMessage(e) + ")",
                    false);
        }

        private static int nlink(Path p) {
            try {
                Object n = Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
                return n instanceof Integer i ? i : 1;
            } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
                return 1; // no POSIX attributes: no hard links to tell
            }
        }
    }

    /** The one deadline of a file: checked after every read and wait, and enforced by closing the connection. */
    static final class Deadline {
        private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(task -> {
                    Thread t = new Thread(task, "modelgate-download-deadline");
                    t.setDaemon(true);
                    return t;
                });

        private final long end;
        private final java.time.Duration budget;
        private final Request r;
        private final java.util.concurrent.atomic.AtomicBoolean passed = new java.util.concurrent.atomic.AtomicBoolean();
        private java.util.concurrent.ScheduledFuture<?> kill;

        Deadline(long startNanos, java.time.Duration budget, Request r) {
            this.budget = budget;
            this.end = startNanos + Math.min(budget.toNanos(), Long.MAX_VALUE / 4);
            this.r = r;
        }

        long remainingNanos() {
            return end - System.nanoTime();
        }

        boolean expired() {
            return passed.get() || remainingNanos() <= 0;
        }

        /** {@code limit} in milliseconds, no longer than what is left (at least 1 ms; 0 would mean forever). */
        int cap(java.time.Duration limit) {
            long left = Math.max(1, remainingNanos() / 1_000_000);
            return (int) Math.max(1, Math.min(Math.min(limit.toMillis(), left), Integer.MAX_VALUE));
        }

        /** Closes {@code c} when the deadline passes (null: stop watching). */
        synchronized void watch(HttpURLConnection c) {
            if (kill != null) {
                kill.cancel(false);
                kill = null;
            }
            if (c != null) {
                kill = WATCHDOG.schedule(() -> {
                    passed.set(true);
                    c.disconnect(); // closes the socket under a blocked read
                }, Math.max(0, remainingNanos()), java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        }

        void check(long have) throws DownloadException {
            if (expired()) {
                throw failure(have);
            }
        }

        void sleep(long ms, long have) throws DownloadException {
            long wait = Math.min(ms, Math.max(0, remainingNanos() / 1_000_000));
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DownloadException(ReasonCode.DownloadFailed, r.path() + ": interrupted while waiting to "
                        + "try again", false);
            }
            check(have);
        }

        DownloadException failure(long have) {
            return new DownloadException(ReasonCode.DownloadFailed, r.path() + ": the download from " + host(r.url())
                    + " did not finish within its deadline of " + seconds(budget) + " s (the floor plus the declared "
                    + r.size() + " bytes at the minimum rate), after " + have + " of " + r.size() + " bytes; the "
                    + "server sends too slowly or stalls (lower --download-min-rate to allow slower sources)", false);
        }

        private static String seconds(java.time.Duration d) {
            long ms = d.toMillis();
            return ms % 1000 == 0 ? Long.toString(ms / 1000) : String.format(java.util.Locale.ROOT, "%.1f", ms / 1000.0);
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
