package dev.modelgate.verifier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTPS server on 127.0.0.1 with a certificate from a {@link TestCa}, serving files and misbehaving on
 * purpose: wrong bytes, too many bytes, a body cut in the middle, redirects, 4xx, 503 then success.
 */
public final class LoopbackHttps implements AutoCloseable {

    /** What one path answers. */
    public interface Route {
        void handle(HttpExchange ex, int call) throws IOException;
    }

    private final HttpsServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<String> ranges = new CopyOnWriteArrayList<>();

    public LoopbackHttps(TestCa ca) throws Exception {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ca.serverContext()));
        server.setExecutor(pool);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            int call = calls.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            String range = ex.getRequestHeaders().getFirst("Range");
            if (range != null) {
                ranges.add(path + " " + range);
            }
            Route r = routes.get(path);
            try {
                if (r == null) {
                    ex.sendResponseHeaders(404, -1);
                } else {
                    r.handle(ex, call);
                }
            } finally {
                ex.close();
            }
        });
        server.start();
    }

    public String base() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    public LoopbackHttps route(String path, Route r) {
        routes.put(path, r);
        return this;
    }

    public int calls(String path) {
        AtomicInteger n = calls.get(path);
        return n == null ? 0 : n.get();
    }

    public List<String> ranges() {
        return ranges;
    }

    /** Serves {@code body} with a Content-Length, honouring "Range: bytes=N-" with 206. */
    public static Route file(byte[] body) {
        return (ex, call) -> {
            String range = ex.getRequestHeaders().getFirst("Range");
            int from = 0;
            if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
                from = Integer.parseInt(range.substring(6, range.length() - 1));
                ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
                ex.sendResponseHeaders(206, body.length - from);
            } else {
                ex.sendResponseHeaders(200, body.length);
            }
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body, from, body.length - from);
            }
        };
    }

    /** Serves {@code body} chunked, without a Content-Length. */
    public static Route chunked(byte[] body) {
        return (ex, call) -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        };
    }

    /** Announces {@code body.length} bytes and sends only the first {@code sent}, then drops the connection. */
    public static Route cut(byte[] body, int sent) {
        return (ex, call) -> {
            ex.sendResponseHeaders(200, body.length);
            OutputStream out = ex.getResponseBody();
            out.write(body, 0, sent);
            out.flush();
            throw new IOException("test server drops the connection mid-body");
        };
    }

    /**
     * Announces {@code body.length} bytes and sends one every {@code everyMillis}, as a server that stays just
     * inside the client's read timeout; stops when the client goes away.
     */
    public static Route trickle(byte[] body, long everyMillis) {
        return (ex, call) -> {
            ex.sendResponseHeaders(200, body.length);
            OutputStream out = ex.getResponseBody();
            for (int i = 0; i < body.length; i++) {
                out.write(body[i]);
                out.flush();
                try {
                    Thread.sleep(everyMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("test server stopped", e);
                }
            }
            out.close();
        };
    }

    /** Waits {@code millis} before answering anything (headers included), then serves {@code then}. */
    public static Route stall(long millis, Route then) {
        return (ex, call) -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("test server stopped", e);
            }
            then.handle(ex, call);
        };
    }

    public static Route status(int code) {
        return (ex, call) -> ex.sendResponseHeaders(code, -1);
    }

    public static Route redirect(String location) {
        return (ex, call) -> {
            ex.getResponseHeaders().set("Location", location);
            ex.sendResponseHeaders(302, -1);
        };
    }

    /** The first {@code failures} calls answer {@code code}, later ones {@code then}. */
    public static Route failFirst(int failures, int code, Route then) {
        return (ex, call) -> {
            if (call <= failures) {
                ex.sendResponseHeaders(code, -1);
            } else {
                then.handle(ex, call);
            }
        };
    }

    /** The first call is cut after {@code sent} bytes, later ones are served normally (with Range support). */
    public static Route cutOnce(byte[] body, int sent) {
        Route cut = cut(body, sent);
        Route file = file(body);
        return (ex, call) -> {
            if (call == 1) {
                cut.handle(ex, call);
            } else {
                file.handle(ex, call);
            }
        };
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
