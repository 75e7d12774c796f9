package dev.modelgate.admission.tls;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Keeps the webhook certificates in one Secret that every replica shares. The first replica creates it; a
 * replica that loses the creation race (409) reads the winner's. Renewal is an update guarded by
 * {@code resourceVersion}, so when two replicas renew at once one wins and the other adopts its result.
 */
public final class CertificateSecret {

    static final String CA_CRT = "ca.crt";
    static final String CA_KEY = "ca.key";
    static final String TLS_CRT = "tls.crt";
    static final String TLS_KEY = "tls.key";
    static final String CA_BUNDLE = "ca-bundle.crt";

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final List<String> dnsNames;
    private final Supplier<Instant> clock;
    private final java.time.Duration renewBefore;

    public CertificateSecret(KubernetesClient client, String namespace, String name, List<String> dnsNames,
            Supplier<Instant> clock, java.time.Duration renewBefore) {
        this.renewBefore = renewBefore;
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.dnsNames = List.copyOf(dnsNames);
        this.clock = clock;
    }

    /** The bundle every replica serves: read, created when absent, renewed when close to expiry. */
    public WebhookCertificates.Bundle ensure() {
        for (int attempt = 0; attempt < 5; attempt++) {
            Secret existing = client.secrets().inNamespace(namespace).withName(name).get();
            if (existing == null) {
                WebhookCertificates.Bundle fresh = WebhookCertificates.issue(dnsNames, clock.get());
                try {
                    client.secrets().inNamespace(namespace).resource(toSecret(fresh, null)).create();
                    return fresh;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                        throw e;
                    }
                    continue; // another replica created it first: read theirs
                }
            }
            WebhookCertificates.Bundle current = fromSecret(existing);
            WebhookCertificates.Bundle next = current == null ? WebhookCertificates.issue(dnsNames, clock.get())
                    : WebhookCertificates.renewIfNeeded(current, dnsNames, clock.get(), renewBefore);
            if (next.equals(current)) {
                return current;
            }
            try {
                client.secrets().inNamespace(namespace)
                        .resource(toSecret(next, existing.getMetadata().getResourceVersion())).update();
                return next;
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw e;
                }
                // another replica renewed first: loop and read theirs
            }
        }
        throw new IllegalStateException("the webhook certificate Secret " + namespace + "/" + name
                + " kept changing while it was read; check for another process writing it");
    }

    Secret toSecret(WebhookCertificates.Bundle b, String resourceVersion) {
        return new SecretBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withResourceVersion(resourceVersion)
                .addToLabels("app.kubernetes.io/name", "modelgate")
                .addToLabels("app.kubernetes.io/component", "webhook-tls")
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of(CA_CRT, b64(b.caCert()), CA_KEY, b64(b.caKey()), TLS_CRT, b64(b.servingCert()),
                        TLS_KEY, b64(b.servingKey()), CA_BUNDLE, b64(b.caBundle())))
                .build();
    }

    /** The bundle stored in {@code s}, or null when a key is missing (the Secret is then rewritten). */
    static WebhookCertificates.Bundle fromSecret(Secret s) {
        Map<String, String> d = s.getData();
        if (d == null || !d.keySet().containsAll(List.of(CA_CRT, CA_KEY, TLS_CRT, TLS_KEY, CA_BUNDLE))) {
            return null;
        }
        return new WebhookCertificates.Bundle(unb64(d.get(CA_CRT)), unb64(d.get(CA_KEY)), unb64(d.get(TLS_CRT)),
                unb64(d.get(TLS_KEY)), unb64(d.get(CA_BUNDLE)));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }
}
