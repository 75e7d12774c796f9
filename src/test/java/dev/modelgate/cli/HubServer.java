package dev.modelgate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.verifier.LoopbackHttps;
import dev.modelgate.verifier.TestCa;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A local HTTPS server speaking the Hugging Face Hub's API shape for one model repository at one commit:
 * {@code /api/models/{repo}/revision/{rev}} ({@code sha}), {@code /api/models/{repo}/tree/{sha}?recursive=true}
 * (entries with {@code type}, {@code path}, {@code size}, {@code oid}, and {@code lfs.oid}/{@code lfs.size} for LFS
 * files; two pages linked by {@code Link: rel="next"}), and {@code /{repo}/resolve/{sha}/{path}} for file bytes.
 * Requests must carry the token when one is set.
 */
final class HubServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final TestCa ca;
    final LoopbackHttps https;
    final String repo;
    final String sha;
    final Map<String, byte[]> files = new LinkedHashMap<>();
    final List<String> lfs = new ArrayList<>();
    final List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();
    String requiredToken;

    HubServer(String repo, String sha) throws Exception {
        this.ca = new TestCa("hub-test-ca");
        this.https = new LoopbackHttps(ca);
        this.repo = repo;
        this.sha = sha;
    }

    HubServer file(String path, byte[] content, boolean isLfs) {
        files.put(path, content);
        if (isLfs) {
            lfs.add(path);
        }
        return this;
    }

    /** Registers the routes; call after the files are added. */
    HubServer start(String... revisions) throws Exception {
        for (String rev : revisions) {
            https.route("/api/models/" + repo + "/revision/" + rev, json(() -> {
                ObjectNode info = JSON.createObjectNode();
                info.put("id", repo);
                info.put("sha", sha);
                return info;
            }, null));
        }
        List<String> paths = new ArrayList<>(files.keySet());
        int half = Math.max(1, paths.size() / 2);
        String treePath = "/api/models/" + repo + "/tree/" + sha;
        https.route(treePath, (ex, call) -> {
            if (!authorized(ex)) {
                return;
            }
            boolean second = ex.getRequestURI().getQuery() != null && ex.getRequestURI().getQuery().contains("cursor=2");
            List<String> page = second ? paths.subList(half, paths.size()) : paths.subList(0, half);
            ArrayNode arr = JSON.createArrayNode();
            if (!second) {
                arr.addObject().put("type", "directory").put("oid", "0".repeat(40)).put("size", 0).put("path", "unet");
            }
            for (String p : page) {
                byte[] b = files.get(p);
                ObjectNode e = arr.addObject();
                e.put("type", "file");
                e.put("oid", "1".repeat(40));
                if (lfs.contains(p)) {
                    e.put("size", b.length);
                    e.put("path", p);
                    e.putObject("lfs").put("oid", sha256(b)).put("size", b.length).put("pointerSize", 134);
                } else {
                    e.put("size", b.length);
                    e.put("path", p);
                }
            }
            if (!second && half < paths.size()) {
                ex.getResponseHeaders().set("Link", "<" + treePath + "?recursive=true&cursor=2>; rel=\"next\"");
            }
            send(ex, arr.toString().getBytes(StandardCharsets.UTF_8));
        });
        for (String p : paths) {
            String route = "/" + repo + "/resolve/" + sha + "/" + p;
            https.route(route, (ex, call) -> {
                if (authorized(ex)) {
                    send(ex, files.get(p));
                }
            });
        }
        return this;
    }

    String endpoint() {
        return https.base();
    }

    private boolean authorized(com.sun.net.httpserver.HttpExchange ex) throws java.io.IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        authorizations.add(String.valueOf(auth));
        if (requiredToken != null && !("Bearer " + requiredToken).equals(auth)) {
            ex.sendResponseHeaders(401, -1);
            return false;
        }
        return true;
    }

    private LoopbackHttps.Route json(java.util.function.Supplier<Object> body, String link) {
        return (ex, call) -> {
            if (authorized(ex)) {
                send(ex, JSON.writeValueAsBytes(body.get()));
            }
        };
    }

    private static void send(com.sun.net.httpserver.HttpExchange ex, byte[] body) throws java.io.IOException {
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        https.close();
    }
}
