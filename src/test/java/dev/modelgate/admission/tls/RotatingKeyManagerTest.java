package dev.modelgate.admission.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The serving material swapped per handshake, never half-swapped within one. */
class RotatingKeyManagerTest {

    static final List<String> NAMES = List.of("localhost");

    @Test
    void aHandshakeKeepsTheMaterialOfTheAliasItChose() {
        WebhookCertificates.Bundle a = WebhookCertificates.issue(NAMES, Instant.now());
        WebhookCertificates.Bundle b = WebhookCertificates.issue(NAMES, Instant.now());
        RotatingKeyManager km = new RotatingKeyManager();
        assertNull(km.chooseEngineServerAlias("EC", null, null), "nothing installed, nothing served");
        km.install(a);
        String first = km.chooseEngineServerAlias("EC", null, null);
        X509Certificate[] chainA = km.getCertificateChain(first);
        km.install(b); // a swap between choosing the alias and reading the key
        assertArrayEquals(chainA, km.getCertificateChain(first));
        assertEquals(WebhookCertificates.parsePrivateKey(a.servingKey()), km.getPrivateKey(first));
        String second = km.chooseEngineServerAlias("EC", null, null);
        assertNotEquals(first, second);
        assertEquals(WebhookCertificates.parseCertificates(b.servingCert()).get(0), km.getCertificateChain(second)[0]);
        km.install(WebhookCertificates.issue(NAMES, Instant.now()));
        assertNull(km.getCertificateChain(first), "only the previous material stays known");
    }

    @Test
    void onlyTheKeyTypeOfTheServingKeyIsOffered() {
        RotatingKeyManager km = new RotatingKeyManager();
        km.install(WebhookCertificates.issue(NAMES, Instant.now()));
        String algorithm = km.getPrivateKey(km.chooseEngineServerAlias(null, null, null)).getAlgorithm();
        String other = algorithm.equals("EC") ? "RSA" : "EC";
        assertNull(km.chooseEngineServerAlias(other, null, null));
        assertNull(km.getClientAliases(algorithm, null));
    }
}
