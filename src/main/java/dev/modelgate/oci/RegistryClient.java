package dev.modelgate.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.integrity.Sha256;
import dev.modelgate.tls.CaBundles;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * A read-only client of the OCI distribution API, just what approving and verifying need: manifests by tag or
 * digest, blob existence (HEAD), whole blobs as streams and byte ranges of blobs.
 *
 * <p>Security choices, each a refusal when broken: HTTPS with the source's CA bundle (only those CAs) or the
 * JVM trust store; plain HTTP only for loopback registries listed in {@value #ENV_INSECURE}; redirects followed
 * only to https (or to such a loopback registry), and credentials sent only to the registry's own origin, never
 * to a redirect target; every manifest and blob is hashed while it streams and checked against its digest and
 * declared size, so a caller never sees unverified bytes as good ones (a mismatch surfaces as an exception at the
 * end of the stream). Token auth follows the registry's {@code WWW-Authenticate} challenge: Bearer (token
 * service, credentials sent as Basic to the realm) or Basic.
 */
public final class RegistryClient {

    /** Environment variable: comma-separated {@code host:port} list of loopback registries reached over plain HTTP. */
    public static final String ENV_INSECURE = "MODELGATE_OCI_INSECURE_REGISTRIES";
    /** The largest manifest read; the distribution spec asks registries to accept at least 4 MiB. */
    public static final int MAX_MANIFEST_BYTES = 4 << 20;
    static final int MAX_SMALL_BODY = 1 << 20;

    static final String ACCEPT = String.join(", ", OciManifest.OCI_MANIFEST, OciManifest.OCI_INDEX,
            OciManifest.DOCKER_MANIFEST, OciManifest.DOCKER_LIST);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("([A-Za-z_]+)=\"([^\"]*)\"");
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    /**
     * How to reach registries.
     *
     * @param caBundlePem        PEM CAs trusted instead of the JVM trust store; null for the trust store
     * @param insecureRegistries loopback {@code host:port} reached over plain HTTP (tests); see {@link #insecure}
     * @param credentials        pull credentials by registry
     */
    public record Settings(String caBundlePem, Set<String> insecureRegistries, RegistryCredentials credentials,
            Duration timeout, int maxRedirects) {

        public Settings {
            insecureRegistries = Set.copyOf(insecureRegistries);
            credentials = credentials == null ? RegistryCredentials.none() : credentials;
        }

        /** The JVM trust store, no credentials, the insecure list from the environment. */
        public static Settings fromEnvironment() {
            return new Settings(null, insecure(System.getenv(ENV_INSECURE)), RegistryCredentials.none(),
                    Duration.ofSeconds(60), 5);
        }

        public Settings withCaBundle(String pem) {
            return new Settings(pem, insecureRegistries, credentials, timeout, maxRedirects);
        }

        public Settings withCredentials(RegistryCredentials c) {
            return new Settings(caBundlePem, insecureRegistries, c, timeout, maxRedirects);
        }
    }

    /**
     * Parses the insecure-registries list; every entry must be {@code host:port} on a loopback address.
     *
     * @throws IllegalArgumentException naming the entry that is not a loopback {@code host:port}
     */
    public static Set<String> insecure(String list) {
        Set<String> out = new LinkedHashSet<>();
        if (list == null || list.isBlank()) {
            return out;
        }
        for (String raw : list.split(",")) {
            String e = raw.strip().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.lastIndexOf(':');
            if (colon <= 0 || !e.substring(colon + 1).matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException(ENV_INSECURE + ": '" + raw.strip() + "' is not host:port");
            }
            if (!isLoopback(e.substring(0, colon))) {
                throw new IllegalArgumentException(ENV_INSECURE + ": '" + raw.strip() + "' is not a loopback "
                        + "address; plain HTTP is allowed only for test registries on 127.0.0.1, ::1 or localhost");
            }
            out.add(e);
        }
        return out;
    }

    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equals("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false; // never resolve a name here: only literal addresses count
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private final Settings settings;
    private final HttpClient http;
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();
    private final AtomicLong blobGets = new AtomicLong();
    private final AtomicLong rangeGets = new AtomicLong();
    private final AtomicLong blobBytes = new AtomicLong();

    public RegistryClient(Settings settings) throws OciException {
        this.settings = settings;
        HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.timeout());
        if (settings.caBundlePem() != null) {
            b.sslContext(sslContext(settings.caBundlePem()));
        }
        this.http = b.build();
    }

    /** Whole-blob GETs sent so far (approval of raw layers sends none). */
    public long blobGets() {
        return blobGets.get();
    }

    /** Ranged blob GETs sent so far (safetensors and GGUF headers). */
    public long rangeGets() {
        return rangeGets.get();
    }

    /** Blob bytes received so far, whole and ranged. */
    public long blobBytes() {
        return blobBytes.get();
    }

    /**
     * The manifest {@code ref} names, its bytes checked against the digest (the reference's, else the one
     * computed is the pin, and a {@code Docker-Content-Digest} header must agree with it).
     */
    public OciManifest manifest(OciReference ref) throws OciException {
        String what = ref.toString();
        String id = ref.digest() != null ? ref.digest() : ref.tag();
        HttpResponse<InputStream> r = send("GET", ref, "/v2/" + ref.repository() + "/manifests/" + id,
                Map.of("Accept", ACCEPT), what);
        byte[] body;
        try (InputStream in = r.body()) {
            if (r.statusCode() == 404) {
                throw OciException.missingManifest(what + ": the registry has no such manifest ("
                        + registryError(in) + "); check the repository, tag and digest");
            }
            expectOk(r, in, what, "its manifest");
            long announced = r.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (announced > MAX_MANIFEST_BYTES) {
                throw new OciException(OciException.Kind.BAD_INPUT, what + ": the manifest is " + announced
                        + " bytes, more than the " + MAX_MANIFEST_BYTES + " ModelGate reads");
            }
            body = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        } catch (IOException e) {
            throw transport(ref, what + ": reading the manifest failed", e);
        }
        if (body.length > MAX_MANIFEST_BYTES) {
            throw new OciException(OciException.Kind.BAD_INPUT, what + ": the manifest is larger than the "
                    + MAX_MANIFEST_BYTES + " bytes ModelGate reads");
        }
        String computed = "sha256:" + HexFormat.of().formatHex(Sha256.newDigest().digest(body));
        if (ref.digest() != null && !computed.equals(ref.digest())) {
            throw new OciException(OciException.Kind.MISMATCH, what + ": the registry served a manifest whose sha256 "
                    + "is " + computed + ", not the requested digest; the registry copy is not the approved artifact");
        }
        String header = r.headers().firstValue("Docker-Content-Digest").orElse(null);
        if (header != null && header.startsWith("sha256:") && !header.equals(computed)) {
            throw new OciException(OciException.Kind.MISMATCH, what + ": the registry says the manifest digest is "
                    + header + " but the bytes it served hash to " + computed + "; refusing an inconsistent answer");
        }
        String contentType = r.headers().firstValue("Content-Type").orElse(null);
        return OciManifest.parse(body, computed, contentType, ref.pinned(computed).pinnedForm());
    }

    /** Proves a blob exists with the declared size, without downloading it (HEAD). */
    public void checkBlob(OciReference repo, Descriptor d, String what) throws OciException {
        HttpResponse<InputStream> r = send("HEAD", repo, blobPath(repo, d.digest()), Map.of(), what);
        try (InputStream in = r.body()) {
            if (r.statusCode() == 404) {
                throw missingBlob(repo, d, what);
            }
            expectOk(r, in, what, "blob " + d.digest());
        } catch (IOException e) {
            throw transport(repo, what + ": checking blob " + d.digest() + " failed", e);
        }
        long announced = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (announced >= 0 && announced != d.size()) {
            throw new OciException(OciException.Kind.MISMATCH, what + ": the registry holds blob " + d.digest()
                    + " with " + announced + " bytes, but the manifest declares " + d.size());
        }
    }

    /**
     * The blob's bytes as a stream that hashes as it goes: reading past the declared size, or reaching the end with
     * other bytes or another count, throws an {@link OciIOException} carrying a {@link OciException.Kind#MISMATCH}.
     */
    public InputStream openBlob(OciReference repo, Descriptor d, String what) throws OciException {
        if (!d.digest().startsWith("sha256:")) {
            throw new OciException(OciException.Kind.BAD_INPUT, what + ": blob digest " + d.digest()
                    + " is not sha256, the only algorithm ModelGate verifies");
        }
        HttpResponse<InputStream> r = send("GET", repo, blobPath(repo, d.digest()), Map.of(), what);
        blobGets.incrementAndGet();
        InputStream in = r.body();
        try {
            if (r.statusCode() == 404) {
                throw missingBlob(repo, d, what);
            }
            expectOk(r, in, what, "blob " + d.digest());
        } catch (OciException e) {
            closeQuietly(in);
            throw e;
        }
        long announced = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (announced >= 0 && announced != d.size()) {
            closeQuietly(in);
            throw new OciException(OciException.Kind.MISMATCH, what + ": the registry sends " + announced
                    + " bytes for blob " + d.digest() + " but the manifest declares " + d.size());
        }
        return new VerifyingStream(in, d, what, blobBytes);
    }

    /**
     * {@code length} bytes of the blob from {@code from} (a Range request). These bytes cannot be checked against
     * the blob digest; callers use them only for scanning headers, never as proof of content.
     */
    public byte[] readRange(OciReference repo, Descriptor d, long from, int length, String what) throws OciException {
        if (length <= 0) {
            return new byte[0];
        }
        long last = Math.min(d.size(), from + length) - 1;
        if (from > last) {
            return new byte[0];
        }
        HttpResponse<InputStream> r = send("GET", repo, blobPath(repo, d.digest()),
                Map.of("Range", "bytes=" + from + "-" + last), what);
        rangeGets.incrementAndGet();
        int want = (int) (last - from + 1);
        try (InputStream in = r.body()) {
            if (r.statusCode() == 404) {
                throw missingBlob(repo, d, what);
            }
            if (r.statusCode() == 200) {
                // No range support: read what we need and drop the connection.
                in.skipNBytes(from);
            } else if (r.statusCode() != 206) {
                expectOk(r, in, what, "a range of blob " + d.digest());
            }
            byte[] b = in.readNBytes(want);
            blobBytes.addAndGet(b.length);
            if (b.length != want) {
                throw new OciException(OciException.Kind.MISMATCH, what + ": blob " + d.digest() + " ended after "
                        + (from + b.length) + " bytes, but the manifest declares " + d.size());
            }
            return b;
        } catch (IOException e) {
            throw transport(repo, what + ": reading a range of blob " + d.digest() + " failed", e);
        }
    }

    private static String blobPath(OciReference repo, String digest) {
        return "/v2/" + repo.repository() + "/blobs/" + digest;
    }

    private OciException missingBlob(OciReference repo, Descriptor d, String what) {
        return new OciException(OciException.Kind.MISMATCH, what + ": blob " + d.digest() + " is missing from "
                + repo.registry() + "/" + repo.repository() + " (404): the manifest points at a blob the repository "
                + "does not hold; push the artifact again");
    }

    // ---- transport: scheme, redirects, authentication ----

    private boolean plainHttp(String registry) {
        return settings.insecureRegistries().contains(registry.toLowerCase(Locale.ROOT));
    }

    private URI base(String registry) {
        return URI.create((plainHttp(registry) ? "http://" : "https://") + registry);
    }

    /** Sends, answering one authentication challenge; the answer's status is for the caller to judge. */
    private HttpResponse<InputStream> send(String method, OciReference repo, String path, Map<String, String> headers,
            String what) throws OciException {
        URI uri = base(repo.registry()).resolve(path);
        String scope = "repository:" + repo.repository() + ":pull";
        String cacheKey = repo.registry() + " " + scope;
        String authorization = authorizations.get(cacheKey);
        for (int attempt = 0; ; attempt++) {
            HttpResponse<InputStream> r = follow(method, uri, headers, authorization, repo, what);
            if (r.statusCode() != 401) {
                return r;
            }
            String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
            String detail = drainError(r);
            if (attempt > 0 || challenge.isEmpty()) {
                throw new OciException(OciException.Kind.TRANSPORT, what + ": " + repo.registry() + " refused "
                        + (authorization == null ? "anonymous access" : "the credentials") + " (401" + detail
                        + "); give pull credentials that may read " + repo.repository()
                        + " (a docker config.json: --docker-config, or the source's pullSecret)");
            }
            authorization = authorize(challenge, repo, scope, what);
            authorizations.put(cacheKey, authorization);
        }
    }

    private String authorize(String challenge, OciReference repo, String scope, String what) throws OciException {
        String scheme = challenge.strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        var basic = settings.credentials().forRegistry(repo.registry());
        if (scheme.equals("basic")) {
            return basic.orElseThrow(() -> new OciException(OciException.Kind.TRANSPORT, what + ": " + repo.registry()
                    + " asks for credentials (Basic) and none were given; give a docker config.json with an entry for "
                    + repo.registry())).header();
        }
        if (!scheme.equals("bearer")) {
            throw new OciException(OciException.Kind.TRANSPORT, what + ": " + repo.registry()
                    + " asks for an authentication scheme ModelGate does not speak ('" + scheme + "')");
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null || realm.isBlank()) {
            throw new OciException(OciException.Kind.TRANSPORT, what + ": " + repo.registry()
                    + " asks for a Bearer token but names no realm");
        }
        URI realmUri;
        try {
            realmUri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            throw new OciException(OciException.Kind.TRANSPORT, what + ": the token realm '" + realm + "' is not a URL");
        }
        checkScheme(realmUri, what, "its token service");
        StringBuilder q = new StringBuilder();
        if (params.containsKey("service")) {
            q.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8));
        }
        q.append(q.isEmpty() ? "" : "&").append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        URI tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + q);
        HttpRequest.Builder rb = HttpRequest.newBuilder(tokenUri).timeout(settings.timeout()).GET()
                .header("User-Agent", "modelgate");
        basic.ifPresent(b -> rb.header("Authorization", b.header()));
        HttpResponse<InputStream> r = exchange(rb.build(), repo, what);
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw new OciException(OciException.Kind.TRANSPORT, what + ": the token service " + realmUri.getHost()
                        + " answered " + r.statusCode() + (basic.isPresent() ? " to the given credentials"
                                : " to an anonymous request (no credentials were given for " + repo.registry() + ")")
                        + "; give pull credentials that may read " + repo.repository());
            }
            byte[] body = in.readNBytes(MAX_SMALL_BODY);
            JsonNode json = JSON.readTree(body);
            String token = json.path("token").asText(json.path("access_token").asText(""));
            if (token.isBlank()) {
                throw new OciException(OciException.Kind.TRANSPORT, what + ": the token service "
                        + realmUri.getHost() + " answered without a token");
            }
            return "Bearer " + token;
        } catch (IOException e) {
            throw transport(repo, what + ": the token service's answer cannot be read", e);
        }
    }

    /** Follows redirects by hand: https only (or a listed loopback registry), credentials to the registry only. */
    private HttpResponse<InputStream> follow(String method, URI uri, Map<String, String> headers, String authorization,
            OciReference repo, String what) throws OciException {
        URI origin = base(repo.registry());
        URI current = uri;
        String currentMethod = method;
        for (int hop = 0; hop <= settings.maxRedirects(); hop++) {
            HttpRequest.Builder rb = HttpRequest.newBuilder(current).timeout(settings.timeout())
                    .method(currentMethod, HttpRequest.BodyPublishers.noBody()).header("User-Agent", "modelgate");
            headers.forEach(rb::header);
            if (authorization != null && sameOrigin(current, origin)) {
                rb.header("Authorization", authorization);
            }
            HttpResponse<InputStream> r = exchange(rb.build(), repo, what);
            if (!REDIRECTS.contains(r.statusCode())) {
                return r;
            }
            String location = r.headers().firstValue("Location").orElse(null);
            closeQuietly(r.body());
            if (location == null) {
                throw new OciException(OciException.Kind.TRANSPORT, what + ": " + current.getHost() + " answered "
                        + r.statusCode() + " without a Location");
            }
            URI next;
            try {
                next = current.resolve(location.strip());
            } catch (IllegalArgumentException e) {
                throw new OciException(OciException.Kind.TRANSPORT, what + ": " + current.getHost()
                        + " redirects to an invalid URL '" + location + "'");
            }
            checkScheme(next, what, "a redirect");
            if (r.statusCode() == 303 && !currentMethod.equals("HEAD")) {
                currentMethod = "GET";
            }
            current = next;
        }
        throw new OciException(OciException.Kind.TRANSPORT, what + ": " + repo.registry() + " redirects more than "
                + settings.maxRedirects() + " times");
    }

    private void checkScheme(URI target, String what, String role) throws OciException {
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return;
        }
        if (scheme.equals("http") && target.getHost() != null
                && plainHttp(target.getHost() + ":" + (target.getPort() < 0 ? 80 : target.getPort()))) {
            return;
        }
        throw new OciException(OciException.Kind.TRANSPORT, what + ": " + role + " leads to " + target
                + "; only https:// is followed (plain HTTP only for loopback registries listed in " + ENV_INSECURE + ")");
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private HttpResponse<InputStream> exchange(HttpRequest request, OciReference repo, String what)
            throws OciException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OciException(OciException.Kind.TRANSPORT, what + ": interrupted");
        } catch (IOException e) {
            throw transport(repo, what + ": cannot reach " + request.uri().getHost()
                    + (request.uri().getPort() < 0 ? "" : ":" + request.uri().getPort()), e);
        }
    }

    private OciException transport(OciReference repo, String prefix, IOException e) {
        if (e instanceof OciIOException o) {
            return o.oci();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (e instanceof SSLException || root instanceof SSLException
                || root instanceof java.security.cert.CertificateException) {
            String trust = settings.caBundlePem() != null ? "the source's caBundle"
                    : "the JVM trust store (the source pins no CA)";
            return new OciException(OciException.Kind.TRANSPORT, prefix + ": TLS failed (" + root.getMessage()
                    + "); the registry's certificate must chain to " + trust + " and name the host", e);
        }
        String why = e instanceof HttpTimeoutException ? "timed out" : e instanceof ConnectException
                ? "connection refused" : String.valueOf(root.getMessage());
        return new OciException(OciException.Kind.TRANSPORT, prefix + " (" + why + ")", e);
    }

    private void expectOk(HttpResponse<InputStream> r, InputStream in, String what, String thing)
            throws OciException {
        int s = r.statusCode();
        if (s == 200) {
            return;
        }
        String detail = registryError(in);
        if (s == 403) {
            throw new OciException(OciException.Kind.TRANSPORT, what + ": the registry forbids reading " + thing
                    + " (403" + (detail.isEmpty() ? "" : ", " + detail) + "); the pull credentials lack access");
        }
        throw new OciException(OciException.Kind.TRANSPORT, what + ": the registry answered " + s + " for " + thing
                + (detail.isEmpty() ? "" : " (" + detail + ")"));
    }

    private static String drainError(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            String d = registryError(in);
            return d.isEmpty() ? "" : ", " + d;
        } catch (IOException e) {
            return "";
        }
    }

    /** The registry's error code and message from a distribution-spec error body, or "". */
    static String registryError(InputStream in) {
        try {
            byte[] body = in.readNBytes(64 << 10);
            JsonNode e = JSON.readTree(body).path("errors").path(0);
            String code = e.path("code").asText("");
            String message = e.path("message").asText("");
            return (code + (message.isEmpty() ? "" : " " + message)).strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    static SSLContext sslContext(String pem) throws OciException {
        try {
            return CaBundles.sslContext(pem);
        } catch (IllegalArgumentException e) {
            throw new OciException(OciException.Kind.BAD_INPUT, "the registry caBundle " + e.getMessage()
                    + "; give the PEM CA certificates of the registry");
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // nothing useful to do
        }
    }

    /** An {@link IOException} carrying the registry problem, so it can cross {@link InputStream} reads. */
    public static final class OciIOException extends IOException {
        private final transient OciException oci;

        public OciIOException(OciException oci) {
            super(oci.getMessage(), oci);
            this.oci = oci;
        }

        public OciException oci() {
            return oci;
        }
    }

    /** Hashes and counts as it reads; the end of the stream is where the bytes are proven or refused. */
    static final class VerifyingStream extends FilterInputStream {
        private final Descriptor d;
        private final String what;
        private final MessageDigest md = Sha256.newDigest();
        private final AtomicLong counter;
        private long count;
        private boolean checked;
        private OciException failure;

        VerifyingStream(InputStream in, Descriptor d, String what, AtomicLong counter) {
            super(in);
            this.d = d;
            this.what = what;
            this.counter = counter;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException e) {
                throw new IOException(what + ": the connection was lost after " + count + " of " + d.size()
                        + " bytes of blob " + d.digest() + " (" + e.getMessage() + ")", e);
            }
            if (n < 0) {
                finish();
                return -1;
            }
            if (count + n > d.size()) {
                throw new OciIOException(new OciException(OciException.Kind.MISMATCH, what + ": blob " + d.digest()
                        + " is longer than the " + d.size() + " bytes the manifest declares"));
            }
            md.update(b, off, n);
            count += n;
            counter.addAndGet(n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        /** Checks once; a failure is kept and thrown again at every later end-of-stream (a reader may swallow one). */
        private void finish() throws IOException {
            if (!checked) {
                checked = true;
                String got = "sha256:" + HexFormat.of().formatHex(md.digest());
                if (count != d.size()) {
                    failure = new OciException(OciException.Kind.MISMATCH, what + ": blob " + d.digest()
                            + " ended after " + count + " bytes, but the manifest declares " + d.size());
                } else if (!got.equals(d.digest())) {
                    failure = new OciException(OciException.Kind.MISMATCH, what + ": the registry served bytes whose "
                            + "sha256 is " + got + " for blob " + d.digest()
                            + "; the registry copy is corrupted or tampered with");
                }
            }
            if (failure != null) {
                throw new OciIOException(failure);
            }
        }

        /** Reads to the end, so the digest check runs even when the consumer stopped early. */
        void drainAndCheck() throws IOException {
            byte[] buf = new byte[1 << 16];
            while (read(buf, 0, buf.length) >= 0) {
                // keep hashing
            }
        }
    }

    /** Reads {@code in} (a stream from {@link #openBlob}) to its end so its digest is checked. */
    public static void drainAndCheck(InputStream in) throws IOException {
        if (in instanceof VerifyingStream v) {
            v.drainAndCheck();
        } else {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }
}
