package dev.modelgate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.admission.tls.WebhookCertificates;
import dev.modelgate.policy.WorkloadKind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Sends AdmissionReview v1 requests to the webhooks over HTTPS, trusting only the given CA bundle, as an API server does. */
final class WebhookClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;

    WebhookClient(URI base, String caBundlePem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        List<X509Certificate> cas = WebhookCertificates.parseCertificates(caBundlePem);
        for (int i = 0; i < cas.size(); i++) {
            trust.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        this.http = HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1).build();
        this.base = base;
    }

    /** An AdmissionReview for {@code object} (and {@code old} for UPDATE), as the API server writes it. */
    static ObjectNode review(String operation, JsonNode object, JsonNode old, String subResource, String user) {
        JsonNode subject = object != null ? object : old;
        String apiVersion = subject.path("apiVersion").asText();
        String kindName = subject.path("kind").asText();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
        ObjectNode root = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode req = root.putObject("request");
        req.put("uid", UUID.randomUUID().toString());
        req.putObject("kind").put("group", group).put("version", version).put("kind", kindName);
        String resource = WorkloadKind.of(group, kindName).map(k -> k.kind().toLowerCase(Locale.ROOT) + "s")
                .orElse(kindName.toLowerCase(Locale.ROOT) + "s");
        req.putObject("resource").put("group", group).put("version", version).put("resource", resource);
        if (subResource != null) {
            req.put("subResource", subResource);
        }
        req.put("name", subject.at("/metadata/name").asText());
        String ns = subject.at("/metadata/namespace").asText("");
        if (!ns.isEmpty()) {
            req.put("namespace", ns);
        }
        req.put("operation", operation);
        ObjectNode ui = req.putObject("userInfo").put("username", user).put("uid", "u-" + user);
        ui.putArray("groups").add("system:authenticated");
        if (object != null) {
            req.set("object", object);
        }
        if (old != null) {
            req.set("oldObject", old);
        }
        req.put("dryRun", false);
        return root;
    }

    record Answer(int status, JsonNode body) {
        JsonNode response() {
            return body.path("response");
        }

        boolean allowed() {
            return response().path("allowed").asBoolean();
        }

        String message() {
            return response().path("status").path("message").asText();
        }

        /** The decoded JSON Patch, or an empty array. */
        ArrayNode patch() throws IOException {
            String p = response().path("patch").asText("");
            return p.isEmpty() ? JSON.createArrayNode() : (ArrayNode) JSON.readTree(Base64.getDecoder().decode(p));
        }
    }

    Answer post(String path, byte[] body) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    Answer post(String path, JsonNode review) throws IOException, InterruptedException {
        return post(path, JSON.writeValueAsBytes(review));
    }
}
