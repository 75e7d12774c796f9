package dev.modelgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.integrity.IgnoreRules;
import dev.modelgate.integrity.ModelPath;
import dev.modelgate.verifier.download.DownloadException;
import dev.modelgate.verifier.download.SourceTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * A Hugging Face Hub model repository at one revision, read through the Hub's HTTP API without downloading the
 * weights: {@code GET {endpoint}/api/models/{repo}/revision/{revision}} gives the commit SHA, {@code GET
 * {endpoint}/api/models/{repo}/tree/{sha}?recursive=true} (following {@code Link: rel="next"} pages) every file
 * with its size and, for LFS files, the sha256 of the content ({@code lfs.oid}). Small non-LFS files (configs,
 * tokenizers) are downloaded from {@code {endpoint}/{repo}/resolve/{sha}/{path}} and hashed. HTTPS only; the
 * endpoint follows {@code HF_ENDPOINT}, the token {@code HF_TOKEN}.
 */
final class HubRepository {

    /** {@code hf://ORG/REPO@REVISION}; the revision is a branch, tag or commit. */
    static final Pattern REF = Pattern.compile("^hf://([A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*)@([^\\s@]+)$");
    static final Pattern SHA = Pattern.compile("^[0-9a-f]{40}$");
    /** Largest non-LFS file hashed by download (git keeps larger files in LFS on the Hub). */
    static final long MAX_PLAIN_FILE = 64L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    record HubFile(String path, String sha256, long size, boolean lfs) {
    }

    private final String endpoint;
    private final String repo;
    private final String token;
    private final SSLSocketFactory tls;

    HubRepository(String endpoint, String repo, String token, String caBundlePem) {
        String e = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        if (!e.toLowerCase(Locale.ROOT).startsWith("https://")) {
            throw new BadInputException("HF_ENDPOINT '" + endpoint + "' is not an https:// URL; ModelGate reads the "
                    + "Hub over HTTPS only");
        }
        this.endpoint = e;
        this.repo = repo;
        this.token = token == null || token.isBlank() ? null : token.strip();
        try {
            this.tls = SourceTls.socketFactory("--ca-bundle", caBundlePem);
        } catch (DownloadException ex) {
            throw new BadInputException(ex.getMessage());
        }
    }

    String endpoint() {
        return endpoint;
    }

    String repo() {
        return repo;
    }

    /** The commit SHA {@code revision} names now. */
    String commit(String revision) throws IOException {
        JsonNode info = json(endpoint + "/api/models/" + repo + "/revision/" + encodeSegment(revision));
        String sha = info.path("sha").asText("");
        if (!SHA.matcher(sha).matches()) {
            throw new BadInputException(endpoint + ": the answer for " + repo + "@" + revision + " names no commit "
                    + "(field sha); is HF_ENDPOINT a Hugging Face Hub API?");
        }
        return sha;
    }

    /** Every file of the repository at {@code sha} that {@code keep} accepts, with its sha256 and size. */
    List<HubFile> files(String sha, java.util.function.Predicate<String> keep) throws IOException {
        List<HubFile> out = new ArrayList<>();
        String next = endpoint + "/api/models/" + repo + "/tree/" + sha + "?recursive=true";
        int pages = 0;
        while (next != null) {
            if (++pages > 1000) {
                throw new IOException(endpoint + ": more than 1000 pages of file listing for " + repo);
            }
            Page page = page(next);
            for (JsonNode e : page.body()) {
                if (!"file".equals(e.path("type").asText())) {
                    continue;
                }
                String path = e.path("path").asText("");
                if (ModelPath.problem(path).isPresent()) {
                    throw new BadInputException(repo + "@" + sha + ": the Hub lists a file path ModelGate cannot "
                            + "pin ('" + path + "': " + ModelPath.problem(path).get() + ")");
                }
                if (!keep.test(path)) {
                    continue;
                }
                JsonNode lfs = e.path("lfs");
                if (lfs.isObject()) {
                    String digest = lfs.path("oid").asText("").toLowerCase(Locale.ROOT);
                    long size = lfs.path("size").asLong(-1);
                    if (!digest.matches("[0-9a-f]{64}") || size < 0) {
                        throw new BadInputException(repo + "@" + sha + ": " + path + ": the Hub gives no sha256 and "
                                + "size for this LFS file");
                    }
                    out.add(new HubFile(path, digest, size, true));
                } else {
                    long size = e.path("size").asLong(-1);
                    if (size < 0 || size > MAX_PLAIN_FILE) {
                        throw new BadInputException(repo + "@" + sha + ": " + path + ": a non-LFS file of " + size
                                + " bytes; approve the downloaded folder instead");
                    }
                    out.add(new HubFile(path, hashDownload(sha, path, size), size, false));
                }
            }
            next = page.next();
        }
        return out;
    }

    /** {@code {endpoint}/{repo}/resolve/{sha}/{path}}, the URL pinned to the commit. */
    String resolveUrl(String sha, String path) {
        return ApproveCommand.joinUrl(endpoint + "/" + repo + "/resolve/" + sha, path);
    }

    private String hashDownload(String sha, String path, long size) throws IOException {
        String url = resolveUrl(sha, path);
        HttpsURLConnection c = open(url);
        try (InputStream in = c.getInputStream()) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0;) {
                total += n;
                if (total > size) {
                    throw new IOException(url + ": longer than the " + size + " bytes the Hub lists");
                }
                md.update(buf, 0, n);
            }
            if (total != size) {
                throw new IOException(url + ": " + total + " bytes, the Hub lists " + size);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Page(JsonNode body, String next) {
    }

    private JsonNode json(String url) throws IOException {
        return page(url).body();
    }

    private Page page(String url) throws IOException {
        HttpsURLConnection c = open(url);
        try (InputStream in = c.getInputStream()) {
            JsonNode body;
            try {
                body = JSON.readTree(in);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new BadInputException(url + ": the answer is not JSON; is HF_ENDPOINT a Hugging Face Hub API?");
            }
            return new Page(body, nextLink(c.getHeaderField("Link")));
        }
    }

    /** The rel="next" URL of a Link header, when it stays on the endpoint. */
    private String nextLink(String link) {
        if (link == null) {
            return null;
        }
        Matcher m = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?").matcher(link);
        if (!m.find()) {
            return null;
        }
        String next = URI.create(endpoint + "/").resolve(m.group(1)).toString();
        if (!next.startsWith(endpoint + "/")) {
            throw new BadInputException(endpoint + ": the file listing continues at " + next + ", outside HF_ENDPOINT");
        }
        return next;
    }

    /** GET with the token, following at most 5 redirects, each to https; an error status is a sentence. */
    private HttpsURLConnection open(String url) throws IOException {
        String current = url;
        for (int hop = 0; hop <= 5; hop++) {
            URI u = URI.create(current);
            if (!"https".equalsIgnoreCase(u.getScheme())) {
                throw new IOException(url + ": redirected to " + current + ", which is not https://");
            }
            HttpsURLConnection c = (HttpsURLConnection) u.toURL().openConnection();
            c.setSSLSocketFactory(tls);
            c.setInstanceFollowRedirects(false);
            c.setConnectTimeout(30_000);
            c.setReadTimeout(60_000);
            c.setRequestProperty("User-Agent", "modelgate");
            // The token goes to the endpoint only, never to a CDN a redirect names.
            if (token != null && current.startsWith(endpoint + "/")) {
                c.setRequestProperty("Authorization", "Bearer " + token);
            }
            int status;
            try {
                status = c.getResponseCode();
            } catch (javax.net.ssl.SSLException e) {
                throw new IOException(u.getHost() + ": TLS failed (" + e.getMessage() + "); for a mirror with its own "
                        + "CA give --ca-bundle", e);
            }
            if (status >= 300 && status < 400 && c.getHeaderField("Location") != null) {
                current = u.resolve(c.getHeaderField("Location")).toString();
                c.disconnect();
                continue;
            }
            if (status == 401 || status == 403) {
                throw new IOException(url + ": HTTP " + status + "; the repository is gated or private: set HF_TOKEN "
                        + "to a token with read access");
            }
            if (status == 404) {
                throw new IOException(url + ": HTTP 404; check the repository name and revision");
            }
            if (status != 200) {
                throw new IOException(url + ": HTTP " + status);
            }
            return c;
        }
        throw new IOException(url + ": more than 5 redirects");
    }

    private static String encodeSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Accepts the paths the model file set keeps (no .git*) and the filters, and the bundle model.sig. */
    static java.util.function.Predicate<String> filter(List<String> include, List<String> ignore) {
        IgnoreRules excluded = new IgnoreRules(ModelFileSet.ignoreGlobs(ignore));
        IgnoreRules included = new IgnoreRules(include);
        return path -> path.equals(dev.modelgate.api.v1alpha1.SignatureSpec.DEFAULT_BUNDLE_PATH)
                || !excluded.ignores(path) && (include.isEmpty() || included.ignores(path));
    }
}
