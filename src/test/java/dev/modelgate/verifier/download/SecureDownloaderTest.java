package dev.modelgate.verifier.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.integrity.ModelDirs;
import dev.modelgate.integrity.Sha256;
import dev.modelgate.verifier.LoopbackHttps;
import dev.modelgate.verifier.ReasonCode;
import dev.modelgate.verifier.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecureDownloaderTest {

    static final byte[] BODY = ModelDirs.bytes(3 * SecureDownloader.BUFFER + 12345, 7);
    static final String SHA = HexFormat.of().formatHex(Sha256.newDigest().digest(BODY));
    static final String PATH = "checkpoints/sdxl.safetensors";

    static TestCa ca;
    static LoopbackHttps server;
    static SSLSocketFactory pinned;
    static List<String> prefixes;

    @TempDir
    Path volume;

    @BeforeAll
    static void start() throws Exception {
        ca = new TestCa("ModelGate download test CA");
        server = new LoopbackHttps(ca);
        pinned = SourceTls.socketFactory("test", ca.pem());
        prefixes = List.of(server.base() + "/models");
        byte[] wrong = BODY.clone();
        wrong[1000] ^= 1;
        byte[] longer = new byte[BODY.length + 10];
        System.arraycopy(BODY, 0, longer, 0, BODY.length);
        server.route("/models/good", LoopbackHttps.file(BODY))
                .route("/models/wrong", LoopbackHttps.file(wrong))
                .route("/models/longer", LoopbackHttps.chunked(longer))
                .route("/models/longer-announced", LoopbackHttps.file(longer))
                .route("/models/cut", LoopbackHttps.cut(BODY, BODY.length / 2))
                .route("/models/cut-once", LoopbackHttps.cutOnce(BODY, SecureDownloader.BUFFER + 5))
                .route("/models/to-http", LoopbackHttps.redirect("http://127.0.0.1:1/models/good"))
                .route("/models/to-https", LoopbackHttps.redirect("/models/good"))
                .route("/models/forbidden", LoopbackHttps.status(403))
                .route("/models/flaky", LoopbackHttps.failFirst(2, 503, LoopbackHttps.file(BODY)))
                .route("/models/down", LoopbackHttps.status(503))
                .route("/models/trickle", LoopbackHttps.trickle(BODY, 100))
                .route("/models/stall", LoopbackHttps.stall(6_000, LoopbackHttps.file(BODY)))
                .route("/models/fresh-hard", LoopbackHttps.file(BODY))
                .route("/models/fresh-soft", LoopbackHttps.file(BODY));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static DownloadSettings quick() {
        return DownloadSettings.defaults().withAttempts(3).withBackoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .withReadTimeout(Duration.ofSeconds(10));
    }

    SecureDownloader.Request request(String route) {
        return request(route, pinned, true);
    }

    SecureDownloader.Request request(String route, SSLSocketFactory tls, boolean pinnedCa) {
        return new SecureDownloader.Request(server.base() + route, prefixes, tls, pinnedCa, volume, PATH,
                BODY.length, SHA);
    }

    DownloadException refused(SecureDownloader.Request r) {
        return assertThrows(DownloadException.class, () -> new SecureDownloader(quick()).download(r));
    }

    /** After a failure nothing lies under the final name and no temporary file remains. */
    void assertNothingLeft() throws Exception {
        assertFalse(Files.exists(volume.resolve(PATH)), "nothing under the final name");
        try (Stream<Path> s = Files.walk(volume)) {
            assertEquals(List.of(), s.filter(Files::isRegularFile).toList(), "no temporary file left");
        }
    }

    @Test
    void goodDownloadLandsUnderTheFinalName() throws Exception {
        SecureDownloader.Downloaded d = new SecureDownloader(quick()).download(request("/models/good"));
        assertArrayEquals(BODY, Files.readAllBytes(volume.resolve(PATH)));
        assertEquals(BODY.length, d.bytes());
        assertEquals(1, d.attempts());
        try (Stream<Path> s = Files.list(volume.resolve("checkpoints"))) {
            assertEquals(List.of("sdxl.safetensors"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void wrongDigestLeavesNothing() throws Exception {
        DownloadException e = refused(request("/models/wrong"));
        assertEquals(ReasonCode.DigestMismatch, e.code());
        String wrongSha = HexFormat.of().formatHex(Sha256.newDigest().digest(wrongBody()));
        assertEquals(PATH + ": the bytes downloaded from " + server.base() + "/models/wrong have sha256 " + wrongSha
                + ", expected " + SHA + "; nothing was written under the final name", e.getMessage());
        assertEquals(1, server.calls("/models/wrong"), "a digest mismatch is not retried");
        assertNothingLeft();
    }

    private static byte[] wrongBody() {
        byte[] wrong = BODY.clone();
        wrong[1000] ^= 1;
        return wrong;
    }

    @Test
    void tooManyBytesAreCutOffAtTheDeclaredSize() throws Exception {
        DownloadException e = refused(request("/models/longer"));
        assertEquals(ReasonCode.SizeMismatch, e.code());
        assertEquals(PATH + ": " + server.base() + "/models/longer sent more than the declared " + BODY.length
                + " bytes; nothing was written under the final name", e.getMessage());
        assertNothingLeft();
    }

    @Test
    void anAnnouncedLengthOverTheDeclaredSizeIsRefusedBeforeTheBody() throws Exception {
        DownloadException e = refused(request("/models/longer-announced"));
        assertEquals(ReasonCode.SizeMismatch, e.code());
        assertEquals(PATH + ": " + server.base() + "/models/longer-announced announces " + (BODY.length + 10)
                + " bytes, but the model declares " + BODY.length + "; nothing was written under the final name",
                e.getMessage());
        assertNothingLeft();
    }

    @Test
    void aServerThatStopsMidBodyFailsAfterRetriesAndLeavesNothing() throws Exception {
        DownloadException e = refused(request("/models/cut"));
        assertEquals(ReasonCode.DownloadFailed, e.code());
        assertTrue(e.getMessage().startsWith(PATH + ": "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" (gave up after 3 tries)"), e.getMessage());
        assertTrue(e.getMessage().contains("of " + BODY.length + " bytes"), e.getMessage());
        assertEquals(3, server.calls("/models/cut"));
        assertEquals(ReasonCode.DownloadFailed.exitCode(), 3);
        assertNothingLeft();
    }

    @Test
    void anInterruptedDownloadResumesWithRangeAndIsHashedWhole() throws Exception {
        SecureDownloader.Downloaded d = new SecureDownloader(quick()).download(request("/models/cut-once"));
        assertArrayEquals(BODY, Files.readAllBytes(volume.resolve(PATH)));
        assertEquals(2, d.attempts());
        assertTrue(d.resumedFrom() > 0, "second try resumed");
        assertEquals(BODY.length - d.resumedFrom(), d.bytes(), "only the rest came over the wire");
        assertEquals(List.of("/models/cut-once bytes=" + d.resumedFrom() + "-"), server.ranges().stream()
                .filter(r -> r.startsWith("/models/cut-once")).toList());
    }

    @Test
    void aTamperedPartialFileIsCaughtByTheWholeFileHash() throws Exception {
        // A partial left on the volume (by an earlier, killed verifier, or by someone else) is hashed again.
        Path partial = volume.resolve("checkpoints/" + SecureDownloader.temporaryName("sdxl.safetensors"));
        byte[] prefix = java.util.Arrays.copyOf(BODY, 5000);
        prefix[10] ^= 1;
        ModelDirs.write(partial, prefix);
        DownloadException e = refused(request("/models/good"));
        assertEquals(ReasonCode.DigestMismatch, e.code());
        assertNothingLeft();
        assertTrue(server.ranges().contains("/models/good bytes=5000-"));
    }

    @Test
    void aRedirectToHttpIsRefused() throws Exception {
        DownloadException e = refused(request("/models/to-http"));
        assertEquals(ReasonCode.DownloadFailed, e.code());
        assertEquals(PATH + ": " + server.base() + "/models/to-http redirects to http://127.0.0.1:1/models/good; "
                + "only https:// redirects are followed, plain HTTP is never used", e.getMessage());
        assertNothingLeft();
    }

    @Test
    void aRedirectToHttpsIsFollowed() throws Exception {
        new SecureDownloader(quick()).download(request("/models/to-https"));
        assertArrayEquals(BODY, Files.readAllBytes(volume.resolve(PATH)));
    }

    @Test
    void aPlainHttpUrlIsRefusedWithoutConnecting() throws Exception {
        SecureDownloader.Request r = new SecureDownloader.Request("http://127.0.0.1:1/models/good", prefixes, pinned,
                true, volume, PATH, BODY.length, SHA);
        DownloadException e = refused(r);
        assertEquals(ReasonCode.BadPlan, e.code());
        assertEquals(PATH + ": download refused: url 'http://127.0.0.1:1/models/good' is not https://; plain HTTP is "
                + "never used; fix the file's url in its TrustedModel", e.getMessage());
        assertNothingLeft();
    }

    @Test
    void aUrlOutsideTheSourcePrefixesIsRefusedWithoutConnecting() throws Exception {
        server.route("/models-evil/x", LoopbackHttps.file(BODY));
        DownloadException e = refused(request("/models-evil/x"));
        assertEquals(ReasonCode.BadPlan, e.code());
        assertEquals(PATH + ": download refused: url '" + server.base() + "/models-evil/x' is not under any of the "
                + "source's urls " + prefixes + "; fix the file's url in its TrustedModel", e.getMessage());
        assertEquals(0, server.calls("/models-evil/x"));
        assertNothingLeft();
    }

    @Test
    void aServerTheSourceCaDoesNotVouchForIsRefused() throws Exception {
        SSLSocketFactory other = SourceTls.socketFactory("test", new TestCa("Some other CA").pem());
        DownloadException e = refused(request("/models/good", other, true));
        assertEquals(ReasonCode.DownloadFailed, e.code());
        assertTrue(e.getMessage().startsWith(PATH + ": TLS with 127.0.0.1:"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; its certificate must chain to the source's caBundle and name the host"),
                e.getMessage());
        assertNothingLeft();
    }

    @Test
    void withoutAPinnedCaTheJvmTrustStoreDecides() throws Exception {
        DownloadException e = refused(request("/models/good", HttpsURLConnection.getDefaultSSLSocketFactory(), false));
        assertTrue(e.getMessage().endsWith("; its certificate must chain to the JVM trust store (the source pins no "
                + "CA) and name the host"), e.getMessage());
        assertNothingLeft();
    }

    @Test
    void aClientErrorIsNotRetriedAndSaysWhatToCheck() throws Exception {
        DownloadException e = refused(request("/models/forbidden"));
        assertEquals(ReasonCode.DownloadFailed, e.code());
        assertEquals(PATH + ": " + server.base() + "/models/forbidden answered 403 (HTTP/1.1 403 Forbidden); check "
                + "the file's url in its TrustedModel and the server's access rules", e.getMessage());
        assertEquals(1, server.calls("/models/forbidden"));
        assertNothingLeft();
    }

    @Test
    void aTransient503IsRetriedWithBackoff() throws Exception {
        SecureDownloader.Downloaded d = new SecureDownloader(quick()).download(request("/models/flaky"));
        assertEquals(3, d.attempts());
        assertEquals(3, server.calls("/models/flaky"));
        assertArrayEquals(BODY, Files.readAllBytes(volume.resolve(PATH)));
    }

    @Test
    void a503ThatNeverEndsGivesUp() throws Exception {
        DownloadException e = refused(request("/models/down"));
        assertEquals(PATH + ": " + server.base() + "/models/down answered 503 (HTTP/1.1 503 Service Unavailable) "
                + "(gave up after 3 tries)", e.getMessage());
        assertNothingLeft();
    }

    @Test
    void aFolderThatIsASymlinkIsNeverWrittenThrough(@TempDir Path outside) throws Exception {
        Files.createSymbolicLink(volume.resolve("checkpoints"), outside);
        DownloadException e = refused(request("/models/good"));
        assertEquals(ReasonCode.SymlinkEscape, e.code());
        assertEquals(PATH + ": folder checkpoints is a symbolic link; downloads are written only into real folders "
                + "of the volume", e.getMessage());
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void backoffDoublesUpToTheCap() {
        DownloadSettings s = DownloadSettings.defaults();
        assertEquals(List.of(1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L),
                Stream.of(2, 3, 4, 5, 6, 7, 8).map(a -> s.backoffBefore(a).toMillis()).toList());
    }

    @Test
    void aCaBundleWithoutCertificatesIsBadPlan() {
        DownloadException e = assertThrows(DownloadException.class, () -> SourceTls.socketFactory("hf", "garbage"));
        assertEquals(ReasonCode.BadPlan, e.code());
        assertTrue(e.getMessage().startsWith("source hf: caBundle "), e.getMessage());
    }

    // ---- the overall deadline ----

    /** A deadline of one second: the floor alone (the minimum rate is so high that the size adds nothing). */
    static DownloadSettings oneSecond() {
        return quick().withReadTimeout(Duration.ofSeconds(5)).withDeadline(Duration.ofSeconds(1), Long.MAX_VALUE / 4);
    }

    @Test
    void aServerTricklingInsideTheReadTimeoutEndsAtTheDeadline() throws Exception {
        long start = System.nanoTime();
        DownloadException e = assertThrows(DownloadException.class,
                () -> new SecureDownloader(oneSecond()).download(request("/models/trickle")));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(ReasonCode.DownloadFailed, e.code());
        assertEquals(3, e.code().exitCode());
        assertTrue(e.getMessage().startsWith(PATH + ": the download from 127.0.0.1:"), e.getMessage());
        assertTrue(e.getMessage().contains(" did not finish within its deadline of 1 s (the floor plus the declared "
                + BODY.length + " bytes at the minimum rate), after "), e.getMessage());
        assertTrue(ms < 4_000, "ended after " + ms + " ms; the read timeout (5 s) never fired");
        assertEquals(1, server.calls("/models/trickle"), "a missed deadline is not retried");
        assertNothingLeft();
    }

    @Test
    void aServerThatNeverAnswersEndsAtTheDeadlineToo() throws Exception {
        long start = System.nanoTime();
        DownloadException e = assertThrows(DownloadException.class,
                () -> new SecureDownloader(oneSecond()).download(request("/models/stall")));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().contains("did not finish within its deadline of 1 s"), e.getMessage());
        assertTrue(e.getMessage().contains("after 0 of " + BODY.length + " bytes"), e.getMessage());
        assertTrue(ms < 4_000, "ended after " + ms + " ms");
        assertNothingLeft();
    }

    @Test
    void theDeadlineGrowsWithTheSize() {
        DownloadSettings d = DownloadSettings.defaults();
        assertEquals(Duration.ofSeconds(60), d.deadlineFor(0));
        assertEquals(Duration.ofSeconds(70), d.deadlineFor(10L << 20));
        assertEquals(Duration.ofSeconds(65), d.withDeadline(Duration.ofSeconds(5), 1_000_000).deadlineFor(60_000_000));
        assertThrows(IllegalArgumentException.class, () -> d.withDeadline(Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class, () -> d.withDeadline(Duration.ofSeconds(1), 0));
    }

    // ---- temporary files planted by someone else ----

    Path partial() {
        return volume.resolve("checkpoints/" + SecureDownloader.temporaryName("sdxl.safetensors"));
    }

    @Test
    void aPartialThatIsAHardLinkToAFileOutsideIsDiscardedNotAppendedTo(@TempDir Path outside) throws Exception {
        Path secret = Files.writeString(outside.resolve("secret"), "SECRET");
        Files.createDirectories(partial().getParent());
        Files.createLink(partial(), secret);
        SecureDownloader.Downloaded d = new SecureDownloader(quick()).download(request("/models/fresh-hard"));
        assertArrayEquals(BODY, Files.readAllBytes(volume.resolve(PATH)));
        assertEquals(0, d.resumedFrom(), "not resumed from a file with two names");
        assertEquals("SECRET", Files.readString(secret), "the file outside was not written");
        assertEquals(1, Files.getAttribute(secret, "unix:nlink"), "its second name inside the volume is gone");
        assertEquals(List.of(), server.ranges().stream().filter(x -> x.startsWith("/models/fresh-hard")).toList());
        assertFalse(Files.exists(partial(), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aPartialThatIsASymlinkIsDiscardedNotFollowed(@TempDir Path outside) throws Exception {
        Path secret = Files.writeString(outside.resolve("secret"), "SECRET");
        Files.createDirectories(partial().getParent());
        Files.createSymbolicLink(partial(), secret);
        SecureDownloader.Downloaded d = new SecureDownloader(quick()).download(request("/models/fresh-soft"));
        assertArrayEquals(BODY, Files.readAllBytes(volume.resolve(PATH)));
        assertEquals(0, d.resumedFrom());
        assertEquals("SECRET", Files.readString(secret));
        assertFalse(Files.exists(partial(), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aPartialLeftByAnEarlierRunIsCopiedIntoANewFileAndResumed() throws Exception {
        Files.createDirectories(partial().getParent());
        Files.write(partial(), java.util.Arrays.copyOf(BODY, 7000));
        Object before = Files.getAttribute(partial(), "unix:ino");
        SecureDownloader.Downloaded d = new SecureDownloader(quick()).download(request("/models/good"));
        assertArrayEquals(BODY, Files.readAllBytes(volume.resolve(PATH)));
        assertEquals(7000, d.resumedFrom());
        assertEquals(BODY.length - 7000, d.bytes());
        assertTrue(!before.equals(Files.getAttribute(volume.resolve(PATH), "unix:ino")),
                "the final file is a new inode, not the one left behind");
    }

    /**
     * Headers trickled one byte every 100 ms: every socket read returns inside the read timeout and the HTTP client
     * never hands control back while it parses them, so only the watchdog (closing the connection) ends this.
     */
    @Test
    // A separate thread: without the watchdog the read blocks for good, and only then does the timeout fail the test.
    @org.junit.jupiter.api.Timeout(value = 30, unit = java.util.concurrent.TimeUnit.SECONDS,
            threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void headersTrickledForeverAreEndedByTheWatchdog() throws Exception {
        javax.net.ssl.SSLServerSocket listener = (javax.net.ssl.SSLServerSocket) ca.serverContext()
                .getServerSocketFactory().createServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
        Thread trickler = new Thread(() -> {
            try (java.net.Socket s = listener.accept()) {
                java.io.InputStream in = s.getInputStream();
                int state = 0; // read the request up to its blank line
                while (state < 4) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    state = (b == '\r' || b == '\n') ? state + 1 : 0;
                }
                java.io.OutputStream out = s.getOutputStream();
                byte[] line = "HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                for (int i = 0; ; i++) {
                    out.write(i < line.length ? line[i] : 'a');
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                // the client closed the connection: done
            }
        }, "header-trickler");
        trickler.setDaemon(true);
        trickler.start();
        try {
            String base = "https://127.0.0.1:" + listener.getLocalPort();
            SecureDownloader.Request r = new SecureDownloader.Request(base + "/models/slow", List.of(base + "/models"),
                    pinned, true, volume, PATH, BODY.length, SHA);
            long start = System.nanoTime();
            DownloadException e = assertThrows(DownloadException.class,
                    () -> new SecureDownloader(oneSecond()).download(r));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(ReasonCode.DownloadFailed, e.code());
            assertTrue(e.getMessage().contains("did not finish within its deadline of 1 s"), e.getMessage());
            assertTrue(ms < 6_000, "ended after " + ms + " ms");
            assertNothingLeft();
        } finally {
            listener.close();
        }
    }
}
