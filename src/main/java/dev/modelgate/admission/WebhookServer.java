package dev.modelgate.admission;

import dev.modelgate.admission.tls.RotatingKeyManager;
import dev.modelgate.admission.tls.WebhookCertificates;
import dev.modelgate.admission.tls.WebhookTls;
import dev.modelgate.config.ModelGateConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.KeyCertOptions;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The webhook endpoints the API server calls, {@code POST /mutate} and {@code POST /validate} (AdmissionReview v1),
 * on their own HTTPS port so their certificate can be swapped at run time ({@link RotatingKeyManager}) while health
 * and metrics stay on the application's HTTP port. Requests are decided on the event loop: the decision reads
 * in-memory caches only and never blocks.
 *
 * <p>A body over {@code max-request-bytes} is cut off with HTTP 413 as soon as it crosses the limit; a body that
 * is not an AdmissionReview gets HTTP 400; both with one JSON sentence. The API server then applies the
 * webhook's failurePolicy (Fail: refused).
 */
@ApplicationScoped
public class WebhookServer {

    private static final Logger LOG = Logger.getLogger(WebhookServer.class);

    @Inject
    Vertx vertx;

    @Inject
    ModelGateConfig config;

    @Inject
    WebhookTls tls;

    @Inject
    AdmissionService service;

    private HttpServer server;
    private long timer = -1;
    private WebhookCertificates.Bundle served;
    private final RotatingKeyManager keyManager = new RotatingKeyManager();

    void start(@Observes @Priority(10) StartupEvent ignored) throws Exception {
        served = tls.load();
        keyManager.install(served);
        HttpServerOptions options = new HttpServerOptions().setSsl(true).setPort(config.webhook().port())
                .setKeyCertOptions(KeyCertOptions.wrap(keyManager)).setCompressionSupported(false);
        PREFERRED_CIPHERS.forEach(options::addEnabledCipherSuite);
        server = vertx.createHttpServer(options).requestHandler(this::handle);
        server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        LOG.infof("admission webhooks listening on https port %d", server.actualPort());
        long every = Math.max(1000, config.webhook().rotationCheck().toMillis());
        timer = vertx.setPeriodic(every, id -> vertx.executeBlocking(() -> {
            reload();
            return null;
        }, false));
    }

    /**
     * AES-128-GCM first, as Go's TLS stack (the API server's client) prefers on CPUs with AES instructions; the JDK
     * server otherwise picks AES-256-GCM, whose record encryption was the largest single cost of an admission in
     * the load benchmark. All are AEAD suites with forward secrecy; nothing weaker is enabled.
     */
    static final java.util.List<String> PREFERRED_CIPHERS = java.util.List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (server != null) {
            server.close();
        }
    }

    /** The port actually bound (tests bind port 0). */
    public int port() {
        return server.actualPort();
    }

    /**
     * Loads the certificate again and, when it changed, serves the new one to new connections. Returns false when
     * that failed (logged; the current certificate stays in use).
     */
    public synchronized boolean reload() {
        try {
            WebhookCertificates.Bundle b = tls.load();
            if (!b.equals(served)) {
                keyManager.install(b); // the next handshake gets it; connections being set up are untouched
                served = b;
                LOG.infof("webhook now serves the renewed certificate, valid until %s",
                        WebhookCertificates.servingNotAfter(b));
            }
            return true;
        } catch (Exception e) {
            LOG.errorf(e, "webhook certificate reload failed; the current certificate stays in use until %s",
                    served == null ? "unknown" : WebhookCertificates.servingNotAfter(served));
            return false;
        }
    }

    private void handle(HttpServerRequest req) {
        java.util.function.BiFunction<AdmissionReviews.Request, Long, byte[]> decide;
        if (req.method() == HttpMethod.POST && "/mutate".equals(req.path())) {
            decide = service::mutate;
        } else if (req.method() == HttpMethod.POST && "/validate".equals(req.path())) {
            decide = service::validate;
        } else {
            reply(req, 404, AdmissionReviews.error("no such webhook; POST AdmissionReviews to /mutate or /validate"));
            return;
        }
        long arrived = System.nanoTime(); // the histogram covers reading, parsing, deciding and answering
        int limit = config.admission().maxRequestBytes();
        Buffer body = Buffer.buffer();
        boolean[] over = {false};
        req.handler(chunk -> {
            if (over[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                over[0] = true;
                reply(req, 413, AdmissionReviews.error("the AdmissionReview is larger than the " + limit
                        + " bytes allowed (modelgate.admission.max-request-bytes); no Kubernetes object is that large"));
                return; // the rest is read and dropped, never kept
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (over[0]) {
                return;
            }
            if (body.length() == 0) {
                reply(req, 400, AdmissionReviews.error("the request body is empty; the webhook accepts "
                        + "AdmissionReview admission.k8s.io/v1 objects only"));
                return;
            }
            AdmissionReviews.Request r;
            try {
                r = AdmissionReviews.parse(body.getBytes());
            } catch (AdmissionReviews.BadReview e) {
                reply(req, 400, AdmissionReviews.error(e.getMessage()));
                return;
            }
            reply(req, 200, decide.apply(r, arrived));
        });
        req.exceptionHandler(e -> LOG.debugf("webhook request aborted: %s", e.getMessage()));
    }

    private static void reply(HttpServerRequest req, int status, byte[] json) {
        if (req.response().ended()) {
            return;
        }
        req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Buffer.buffer(json));
    }
}
