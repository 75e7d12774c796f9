package dev.modelgate.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.integrity.FindingKind;
import dev.modelgate.integrity.ScanCheck;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry client and artifact reader against a real Distribution registry on loopback. */
public class OciRegistryTest {

    @TempDir
    Path tmp;

    static RegistryClient client(LocalRegistry r) throws OciException {
        return client(Set.of(r.hostPort()), RegistryCredentials.none());
    }

    static RegistryClient client(Set<String> insecure, RegistryCredentials creds) throws OciException {
        return new RegistryClient(new RegistryClient.Settings(null, insecure, creds, Duration.ofSeconds(20), 5));
    }

    /** A valid safetensors file with one F32 tensor of {@code floats} values (zeros). */
    public static byte[] safetensors(int floats) {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[" + floats + "],\"data_offsets\":[0," + (floats * 4) + "]}}";
        while ((header.length() + 8) % 8 != 0) {
            header += " ";
        }
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + floats * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    static final byte[] WEIGHTS = safetensors(256 * 1024);
    static final String CONFIG = "{\"model_type\":\"qwen3\",\"hidden_size\":1024}";

    static OciReference ref(LocalRegistry r, String repo, String digest) {
        return OciReference.parse(r.hostPort() + "/" + repo + "@" + digest);
    }

    @Test
    void modelPackApprovalNeedsNoBlobDownload() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false)) {
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            String digest = layout.modelPack(OciLayout.files("config.json", CONFIG, "model.safetensors", WEIGHTS), "v1");
            r.push(layout, "v1", "models/qwen");
            RegistryClient c = client(r);

            // By tag: resolved once, pinned to the manifest digest.
            OciArtifacts.Result res = new OciArtifacts(c, OciArtifacts.Limits.DEFAULT)
                    .read(OciReference.parse("oci://" + r.hostPort() + "/models/qwen:v1"), OciArtifacts.Mode.DESCRIBE, null);
            assertEquals(digest, res.pinned().digest());
            assertEquals("ModelPack", res.layout().kind());
            assertEquals(List.of("config.json", "model.safetensors"), res.files().stream().map(f -> f.path()).toList());
            assertEquals(OciLayout.sha256(WEIGHTS), res.files().get(1).sha256());
            assertEquals(WEIGHTS.length, res.files().get(1).size());
            assertEquals(List.of(), r.blobGets("models/qwen"), "approval without scanning must not GET any blob");
            assertEquals(0, c.blobGets());
        }
    }

    @Test
    void modelPackScanReadsOnlyTheSafetensorsHeader() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false)) {
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            String digest = layout.modelPack(OciLayout.files("config.json", CONFIG, "model.safetensors", WEIGHTS), "v1");
            r.push(layout, "v1", "models/qwen");
            RegistryClient c = client(r);
            ScanCheck scan = new ScanCheck(ScanPolicy.ENFORCE);
            OciArtifacts.Result res = new OciArtifacts(c, OciArtifacts.Limits.DEFAULT)
                    .read(ref(r, "models/qwen", digest), OciArtifacts.Mode.DESCRIBE, scan);
            assertEquals(List.of(), res.findings().stream().filter(f -> f.kind() != FindingKind.SCAN_WARNING).toList());
            assertEquals(Set.of("config.json", "model.safetensors"), scan.reports().keySet());
            assertEquals("safetensors", scan.reports().get("model.safetensors").format());
            assertEquals(dev.modelgate.scan.Verdict.BENIGN, scan.reports().get("model.safetensors").verdict());
            // The weights were read by two Range requests (length, header), the small config whole.
            String weights = "sha256:" + OciLayout.sha256(WEIGHTS);
            long written = bytesWritten(r, weights);
            assertTrue(written > 0 && written <= 4096, "only the header of the weights may be read, registry sent "
                    + written + " of " + WEIGHTS.length + " bytes");
            assertEquals(1, c.blobGets(), "only config.json is pulled whole");
            assertEquals(2, c.rangeGets());
        }
    }

    /** Bytes the registry sent for GETs of one blob, from its request log. */
    static long bytesWritten(LocalRegistry r, String digest) throws IOException {
        Pattern p = Pattern.compile("http\\.request\\.method=GET .*http\\.request\\.uri=\"?/v2/[^ ]*/blobs/" + digest
                + "\"? .*http\\.response\\.written=([0-9]+)");
        long total = 0;
        for (String line : r.log().split("\n")) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                total += Long.parseLong(m.group(1));
            }
        }
        return total;
    }

    @Test
    void tarLayerImageIsUnpackedAndHashedFileByFile() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false)) {
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            Map<String, byte[]> files = OciLayout.files("models/qwen/config.json", CONFIG,
                    "models/qwen/model.safetensors", WEIGHTS, "models/qwen/tokenizer.json", "{\"version\":\"1.0\"}");
            String digest = layout.tarImage(files, "v1");
            r.push(layout, "v1", "images/qwen");
            ScanCheck scan = new ScanCheck(ScanPolicy.ENFORCE);
            OciArtifacts.Result res = new OciArtifacts(client(r), OciArtifacts.Limits.DEFAULT)
                    .read(ref(r, "images/qwen", digest), OciArtifacts.Mode.DESCRIBE, scan);
            assertEquals("OCI image", res.layout().kind());
            assertEquals(3, res.files().size());
            for (OciArtifacts.ArtifactFile f : res.files()) {
                assertEquals(OciLayout.sha256(files.get(f.path())), f.sha256(), f.path());
                assertEquals(files.get(f.path()).length, f.size(), f.path());
            }
            assertEquals(3, scan.reports().size());
        }
    }

    @Test
    void corruptedBlobFailsNamingTheFile() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false)) {
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            String digest = layout.modelPack(OciLayout.files("config.json", CONFIG, "model.safetensors", WEIGHTS), "v1");
            r.push(layout, "v1", "models/qwen");
            byte[] evil = WEIGHTS.clone();
            evil[evil.length - 1] ^= 1;
            Files.write(r.blobData("sha256:" + OciLayout.sha256(WEIGHTS)), evil);
            OciException e = assertThrows(OciException.class, () -> new OciArtifacts(client(r),
                    OciArtifacts.Limits.DEFAULT).read(ref(r, "models/qwen", digest), OciArtifacts.Mode.PULL_ALL, null));
            assertEquals(OciException.Kind.MISMATCH, e.kind());
            assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("corrupted"),
                    e.getMessage());
        }
    }

    @Test
    void corruptedTarLayerFailsAsAMismatch() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false)) {
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            Map<String, byte[]> files = OciLayout.files("m/config.json", CONFIG, "m/model.safetensors", WEIGHTS);
            String digest = layout.tarImage(files, "v1");
            r.push(layout, "v1", "images/qwen");
            String layer = client(r).manifest(ref(r, "images/qwen", digest)).layers().get(0).digest();
            byte[] evil = Files.readAllBytes(r.blobData(layer));
            evil[evil.length / 2] ^= 0x55;
            Files.write(r.blobData(layer), evil);
            OciException e = assertThrows(OciException.class, () -> new OciArtifacts(client(r),
                    OciArtifacts.Limits.DEFAULT).read(ref(r, "images/qwen", digest), OciArtifacts.Mode.DESCRIBE, null));
            assertEquals(OciException.Kind.MISMATCH, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("layer 0") && e.getMessage().contains(layer), e.getMessage());
        }
    }

    @Test
    void manifestPointingAtAMissingBlobIsRefused() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false)) {
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            String digest = layout.modelPack(OciLayout.files("config.json", CONFIG, "model.safetensors", WEIGHTS), "v1");
            r.push(layout, "v1", "models/qwen");
            Files.delete(r.layerLink("models/qwen", "sha256:" + OciLayout.sha256(WEIGHTS)));
            for (OciArtifacts.Mode mode : OciArtifacts.Mode.values()) {
                OciException e = assertThrows(OciException.class, () -> new OciArtifacts(client(r),
                        OciArtifacts.Limits.DEFAULT).read(ref(r, "models/qwen", digest), mode, null));
                assertEquals(OciException.Kind.MISMATCH, e.kind(), e.getMessage());
                assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("is missing"),
                        e.getMessage());
            }
        }
    }

    @Test
    void unknownRepositoryIsAClearError() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false)) {
            OciException e = assertThrows(OciException.class, () -> client(r).manifest(
                    ref(r, "models/nothing-here", "sha256:" + "0".repeat(64))));
            assertEquals(OciException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage().contains("no such manifest") && e.getMessage().contains("models/nothing-here"),
                    e.getMessage());
        }
    }

    @Test
    void registryNeedingCredentials() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), true)) {
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            String digest = layout.modelPack(OciLayout.files("model.safetensors", WEIGHTS), "v1");
            r.push(layout, "v1", "models/qwen");
            OciReference ref = ref(r, "models/qwen", digest);

            OciException anonymous = assertThrows(OciException.class, () -> client(r).manifest(ref));
            assertEquals(OciException.Kind.TRANSPORT, anonymous.kind());
            assertTrue(anonymous.getMessage().contains("asks for credentials"), anonymous.getMessage());

            RegistryCredentials wrong = RegistryCredentials.fromDockerConfig(("{\"auths\":{\"" + r.hostPort()
                    + "\":{\"username\":\"puller\",\"password\":\"wrong\"}}}").getBytes(StandardCharsets.UTF_8));
            OciException refused = assertThrows(OciException.class,
                    () -> client(Set.of(r.hostPort()), wrong).manifest(ref));
            assertTrue(refused.getMessage().contains("refused the credentials"), refused.getMessage());

            RegistryClient good = client(Set.of(r.hostPort()), RegistryCredentials.fromDockerConfig(r.dockerConfig()));
            OciArtifacts.Result res = new OciArtifacts(good, OciArtifacts.Limits.DEFAULT)
                    .read(ref, OciArtifacts.Mode.PULL_ALL, null);
            assertEquals(OciLayout.sha256(WEIGHTS), res.files().get(0).sha256());
        }
    }

    @Test
    void redirectToPlainHttpIsRefused() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false)) {
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            String digest = layout.modelPack(OciLayout.files("model.safetensors", WEIGHTS), "v1");
            r.push(layout, "v1", "models/qwen");
            // A front that redirects every request to the registry under another, unlisted, http:// name.
            HttpServer front = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            front.createContext("/", x -> {
                x.getResponseHeaders().add("Location", "http://localhost:" + r.hostPort().split(":")[1]
                        + x.getRequestURI());
                x.sendResponseHeaders(307, -1);
                x.close();
            });
            front.start();
            try {
                String frontHost = "127.0.0.1:" + front.getAddress().getPort();
                OciException e = assertThrows(OciException.class, () -> client(Set.of(frontHost),
                        RegistryCredentials.none()).manifest(OciReference.parse(frontHost + "/models/qwen@" + digest)));
                assertEquals(OciException.Kind.TRANSPORT, e.kind());
                assertTrue(e.getMessage().contains("a redirect leads to http://localhost:")
                        && e.getMessage().contains("only https:// is followed"), e.getMessage());
            } finally {
                front.stop(0);
            }
        }
    }

    /**
     * A registry needing a Bearer token: a loopback front answers 401 with a Bearer challenge naming a token
     * service, and passes requests to the real registry only with the token that service issued for the pull
     * scope of the repository to the right credentials.
     */
    @Test
    void registryNeedingABearerToken() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false)) {
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            String digest = layout.modelPack(OciLayout.files("model.safetensors", WEIGHTS), "v1");
            r.push(layout, "v1", "models/qwen");
            String token = "tok-" + java.util.UUID.randomUUID();
            java.util.List<String> scopes = new java.util.concurrent.CopyOnWriteArrayList<>();
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            String self = "127.0.0.1:" + server.getAddress().getPort();
            String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(
                    (LocalRegistry.USER + ":" + LocalRegistry.PASSWORD).getBytes(StandardCharsets.UTF_8));
            server.createContext("/token", x -> {
                scopes.add(x.getRequestURI().getQuery());
                boolean ok = basic.equals(x.getRequestHeaders().getFirst("Authorization"));
                byte[] body = ok ? ("{\"token\":\"" + token + "\"}").getBytes(StandardCharsets.UTF_8) : new byte[0];
                x.sendResponseHeaders(ok ? 200 : 401, ok ? body.length : -1);
                x.getResponseBody().write(body);
                x.close();
            });
            server.createContext("/v2/", x -> {
                if (!("Bearer " + token).equals(x.getRequestHeaders().getFirst("Authorization"))) {
                    x.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + self
                            + "/token\",service=\"test-registry\",scope=\"repository:models/qwen:pull\"");
                    x.sendResponseHeaders(401, -1);
                    x.close();
                    return;
                }
                forward(x, r);
            });
            server.start();
            try {
                OciReference ref = OciReference.parse(self + "/models/qwen@" + digest);
                OciException anonymous = assertThrows(OciException.class,
                        () -> client(Set.of(self), RegistryCredentials.none()).manifest(ref));
                assertEquals(OciException.Kind.TRANSPORT, anonymous.kind());
                assertTrue(anonymous.getMessage().contains("the token service 127.0.0.1 answered 401 to an anonymous "
                        + "request"), anonymous.getMessage());

                RegistryCredentials creds = RegistryCredentials.fromDockerConfig(("{\"auths\":{\"" + self
                        + "\":{\"username\":\"" + LocalRegistry.USER + "\",\"password\":\"" + LocalRegistry.PASSWORD
                        + "\"}}}").getBytes(StandardCharsets.UTF_8));
                RegistryClient c = client(Set.of(self), creds);
                OciArtifacts.Result res = new OciArtifacts(c, OciArtifacts.Limits.DEFAULT)
                        .read(ref, OciArtifacts.Mode.PULL_ALL, null);
                assertEquals(OciLayout.sha256(WEIGHTS), res.files().get(0).sha256());
                assertTrue(scopes.stream().allMatch(q -> q.contains("service=test-registry")
                        && q.contains("scope=repository:models/qwen:pull")), scopes.toString());
            } finally {
                server.stop(0);
            }
        }
    }

    static org.apache.commons.compress.archivers.tar.TarArchiveEntry entry(String name, int size) {
        var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(name);
        e.setSize(size);
        return e;
    }

    static org.apache.commons.compress.archivers.tar.TarArchiveEntry link(String name, String target, byte type) {
        var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(name, type);
        e.setLinkName(target);
        return e;
    }

    /** Tar layers the runtime would unpack into something other than the approved regular files are refused. */
    @Test
    void unsafeTarLayersAreRefused() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false)) {
            byte sym = org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK;
            byte hard = org.apache.commons.compress.archivers.tar.TarConstants.LF_LINK;
            byte fifo = org.apache.commons.compress.archivers.tar.TarConstants.LF_FIFO;
            Map<String, byte[][]> cases = new java.util.LinkedHashMap<>();
            cases.put("symbolic link", new byte[][] {OciLayout.tarGzEntries(link("m/w.safetensors", "/etc/passwd", sym))});
            cases.put("hard link", new byte[][] {OciLayout.tarGzEntries(entry("m/a", 4), link("m/b", "m/a", hard))});
            cases.put("not a regular file", new byte[][] {OciLayout.tarGzEntries(link("m/pipe", "", fifo))});
            cases.put("whiteout", new byte[][] {OciLayout.tarGzEntries(entry("m/a", 4)),
                    OciLayout.tarGzEntries(entry("m/.wh.a", 0))});
            cases.put("again in layer 1", new byte[][] {OciLayout.tarGzEntries(entry("m/a", 4)),
                    OciLayout.tarGzEntries(entry("m/a", 8))});
            cases.put("'..'", new byte[][] {OciLayout.tarGzEntries(entry("m/../../etc/cron.d/x", 4))});
            cases.put("decompression bomb", new byte[][] {OciLayout.tarGzEntries(entry("m/zeros", 200 << 20))});
            int i = 0;
            for (Map.Entry<String, byte[][]> c : cases.entrySet()) {
                OciLayout layout = new OciLayout(tmp.resolve("layout" + i));
                String digest = layout.tarGzLayers("t" + i, c.getValue());
                r.push(layout, "t" + i, "bad/case" + i);
                OciReference ref = ref(r, "bad/case" + i, digest);
                OciException e = assertThrows(OciException.class, () -> new OciArtifacts(client(r),
                        new OciArtifacts.Limits(1000, 1L << 40, 100)).read(ref, OciArtifacts.Mode.DESCRIBE, null),
                        c.getKey());
                assertEquals(OciException.Kind.BAD_INPUT, e.kind(), e.getMessage());
                assertTrue(e.getMessage().contains(c.getKey()), c.getKey() + ": " + e.getMessage());
                i++;
            }
        }
    }

    /** Passes one request to the registry and its answer back (what a front needs for these tests). */
    /** An HTTPS front on loopback for {@code r}, serving a certificate of {@code ca}; stop it with {@code stop(0)}. */
    public static com.sun.net.httpserver.HttpsServer httpsFront(LocalRegistry r, dev.modelgate.verifier.TestCa ca)
            throws Exception {
        com.sun.net.httpserver.HttpsServer tls = com.sun.net.httpserver.HttpsServer.create(
                new InetSocketAddress("127.0.0.1", 0), 0);
        tls.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(ca.serverContext()));
        tls.createContext("/v2/", x -> forward(x, r));
        tls.start();
        return tls;
    }

    static void forward(com.sun.net.httpserver.HttpExchange x, LocalRegistry r) throws IOException {
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) java.net.URI.create("http://"
                + r.hostPort() + x.getRequestURI()).toURL().openConnection();
        c.setRequestMethod(x.getRequestMethod());
        x.getRequestHeaders().forEach((k, v) -> {
            if (k.equalsIgnoreCase("Accept") || k.equalsIgnoreCase("Range")) {
                c.setRequestProperty(k, String.join(",", v));
            }
        });
        int code = c.getResponseCode();
        for (String h : List.of("Content-Type", "Docker-Content-Digest", "Content-Range")) {
            if (c.getHeaderField(h) != null) {
                x.getResponseHeaders().add(h, c.getHeaderField(h));
            }
        }
        byte[] body = x.getRequestMethod().equals("HEAD") ? new byte[0]
                : (code >= 400 ? c.getErrorStream() : c.getInputStream()).readAllBytes();
        if (x.getRequestMethod().equals("HEAD")) {
            x.getResponseHeaders().add("Content-Length", String.valueOf(c.getContentLengthLong()));
            x.sendResponseHeaders(code, -1);
        } else {
            x.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
            x.getResponseBody().write(body);
        }
        x.close();
    }

    /** HTTPS with the source's CA bundle, and refusals with the JVM trust store or another CA. */
    @Test
    void httpsRegistryIsTrustedOnlyThroughItsCa() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false)) {
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            String digest = layout.modelPack(OciLayout.files("model.safetensors", WEIGHTS), "v1");
            r.push(layout, "v1", "models/qwen");
            dev.modelgate.verifier.TestCa ca = new dev.modelgate.verifier.TestCa("registry test CA");
            com.sun.net.httpserver.HttpsServer tls = httpsFront(r, ca);
            try {
                String host = "127.0.0.1:" + tls.getAddress().getPort();
                OciReference ref = OciReference.parse(host + "/models/qwen@" + digest);
                RegistryClient pinned = new RegistryClient(new RegistryClient.Settings(ca.pem(), Set.of(),
                        RegistryCredentials.none(), Duration.ofSeconds(20), 5));
                OciArtifacts.Result res = new OciArtifacts(pinned, OciArtifacts.Limits.DEFAULT)
                        .read(ref, OciArtifacts.Mode.PULL_ALL, null);
                assertEquals(OciLayout.sha256(WEIGHTS), res.files().get(0).sha256());

                OciException system = assertThrows(OciException.class, () -> client(Set.of(),
                        RegistryCredentials.none()).manifest(ref));
                assertTrue(system.getMessage().contains("TLS failed") && system.getMessage().contains("JVM trust store"),
                        system.getMessage());
                RegistryClient other = new RegistryClient(new RegistryClient.Settings(
                        new dev.modelgate.verifier.TestCa("another CA").pem(), Set.of(), RegistryCredentials.none(),
                        Duration.ofSeconds(20), 5));
                OciException wrongCa = assertThrows(OciException.class, () -> other.manifest(ref));
                assertTrue(wrongCa.getMessage().contains("TLS failed") && wrongCa.getMessage().contains("caBundle"),
                        wrongCa.getMessage());
            } finally {
                tls.stop(0);
            }
        }
    }
}
