package dev.modelgate.admission.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;

/** Out-of-cluster mode: modelgate.webhook.url read strictly, URLs per webhook, and a certificate naming its host. */
class WebhookEndpointTest {

    static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

    @Test
    void unsetMeansTheService() {
        assertSame(WebhookEndpoint.SERVICE, WebhookEndpoint.of(Optional.empty()));
        assertSame(WebhookEndpoint.SERVICE, WebhookEndpoint.of(Optional.of(" ")));
        assertFalse(WebhookEndpoint.SERVICE.outOfCluster());
    }

    @Test
    void urlPlusTheWebhooksPath() {
        WebhookEndpoint e = WebhookEndpoint.of(Optional.of("https://localhost:8443/"));
        assertTrue(e.outOfCluster());
        assertEquals("https://localhost:8443/mutate", e.url("/mutate"));
        assertEquals(Optional.of("localhost"), e.host());
        WebhookEndpoint prefixed = WebhookEndpoint.of(Optional.of("https://dev.example.com:9443/modelgate"));
        assertEquals("https://dev.example.com:9443/modelgate/validate", prefixed.url("/validate"));
        assertEquals(Optional.of("::1"), WebhookEndpoint.of(Optional.of("https://[::1]:8443")).host());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:8443", "localhost:8443", "https://", "https://user@localhost:8443",
            "https://localhost:8443/?x=1", "https://localhost:8443/#f", "https://local host"})
    void aUrlTheApiServerWouldRefuseFailsStartUp(String url) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WebhookEndpoint.of(Optional.of(url)));
        assertTrue(e.getMessage().startsWith("modelgate.webhook.url '" + url.strip() + "' cannot be used: "), e.getMessage());
        assertTrue(e.getMessage().contains("e.g. https://localhost:8443"), e.getMessage());
    }

    @Test
    void certificateNamesTheHostFirstAsDnsOrIp() throws Exception {
        List<String> dns = WebhookEndpoint.of(Optional.of("https://localhost:8443")).certificateNames("modelgate-webhook", "ns");
        assertEquals("localhost", dns.get(0));
        assertTrue(dns.contains("modelgate-webhook.ns.svc"), "the Service names stay, for the same certificate in cluster");

        List<String> ip = WebhookEndpoint.of(Optional.of("https://127.0.0.1:8443")).certificateNames("modelgate-webhook", "ns");
        X509Certificate leaf = WebhookCertificates.parseCertificates(WebhookCertificates.issue(ip, T0).servingCert()).get(0);
        List<?> first = leaf.getSubjectAlternativeNames().iterator().next();
        assertEquals(7, first.get(0), "an IP literal is an iPAddress SAN (type 7), which TLS clients match for IPs");
        assertEquals("127.0.0.1", first.get(1));
        assertTrue(WebhookCertificates.names(leaf).containsAll(List.of("127.0.0.1", "modelgate-webhook")));

        List<String> v6 = WebhookEndpoint.of(Optional.of("https://[::1]:8443")).certificateNames("s", "ns");
        X509Certificate leaf6 = WebhookCertificates.parseCertificates(WebhookCertificates.issue(v6, T0).servingCert()).get(0);
        assertEquals(7, leaf6.getSubjectAlternativeNames().iterator().next().get(0));
    }

    @Test
    void aCertificateWithoutTheUrlsHostIsReissued() {
        List<String> service = WebhookEndpoint.SERVICE.certificateNames("modelgate-webhook", "ns");
        WebhookCertificates.Bundle inCluster = WebhookCertificates.issue(service, T0);
        List<String> withHost = WebhookEndpoint.of(Optional.of("https://127.0.0.1:8443")).certificateNames("modelgate-webhook", "ns");
        WebhookCertificates.Bundle renewed = WebhookCertificates.renewIfNeeded(inCluster, withHost, T0);
        assertNotSame(inCluster, renewed);
        assertEquals(inCluster.caCert(), renewed.caCert(), "same CA: the caBundle stays valid");
        assertSame(renewed, WebhookCertificates.renewIfNeeded(renewed, withHost, T0), "stable once it names the host");
    }

    @Test
    void outOfClusterReplacesTheServiceReferenceByTheUrl() {
        WebhookEndpoint e = WebhookEndpoint.of(Optional.of("https://127.0.0.1:8443"));
        WebhookClientConfig cc = new WebhookClientConfigBuilder().withNewService().withName("modelgate-webhook")
                .withNamespace("modelgate-system").withPath("/mutate").withPort(443).endService().build();
        assertTrue(CaBundlePatcher.align("modelgate", "inject.pods.modelgate.dev", cc, "Q0E=", e));
        assertEquals("https://127.0.0.1:8443/mutate", cc.getUrl());
        assertNull(cc.getService());
        assertEquals("Q0E=", cc.getCaBundle());
        assertFalse(CaBundlePatcher.align("modelgate", "inject.pods.modelgate.dev", cc, "Q0E=", e), "nothing left to change");
        // a new URL: the path is taken from the URL already there
        WebhookEndpoint moved = WebhookEndpoint.of(Optional.of("https://localhost:9443"));
        assertTrue(CaBundlePatcher.align("modelgate", "inject.pods.modelgate.dev", cc, "Q0E=", moved));
        assertEquals("https://localhost:9443/mutate", cc.getUrl());
        // in cluster, only the caBundle is written; with cert-manager (null) not even that
        WebhookClientConfig service = new WebhookClientConfigBuilder().withNewService().withPath("/validate").endService().build();
        assertFalse(CaBundlePatcher.align("modelgate", "validate.pods.modelgate.dev", service, null, WebhookEndpoint.SERVICE));
        assertNull(service.getCaBundle());
        // a webhook whose path cannot be known is refused with the fix named
        WebhookClientConfig broken = new WebhookClientConfigBuilder().withUrl("https://elsewhere/other").build();
        IllegalStateException x = assertThrows(IllegalStateException.class,
                () -> CaBundlePatcher.align("modelgate", "w", broken, null, e));
        assertTrue(x.getMessage().contains("reinstall it from the chart"), x.getMessage());
    }
}
