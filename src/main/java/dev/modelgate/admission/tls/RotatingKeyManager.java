package dev.modelgate.admission.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The webhook's serving key and certificate, swapped without rebuilding the TLS context: the server's SSL context is
 * built once around this key manager, and each handshake asks it for the material current at that moment. Swapping
 * the whole SSL configuration instead (Vert.x {@code updateSSLOptions}) was seen to break connections being set up
 * at the moment of the swap, and with {@code failurePolicy: Fail} a broken webhook call is a refused pod.
 *
 * <p>Each installed key pair gets its own alias, and the previous one stays known, so a handshake that chose its
 * alias just before a swap still gets a matching certificate and key.
 */
public final class RotatingKeyManager extends X509ExtendedKeyManager {

    private record Material(String alias, PrivateKey key, X509Certificate[] chain) {
    }

    private final AtomicLong generation = new AtomicLong();
    private final Map<String, Material> known = new ConcurrentHashMap<>();
    private volatile Material current;

    /** Serves this bundle's serving certificate and key to every handshake that starts from now on. */
    public synchronized void install(WebhookCertificates.Bundle bundle) {
        PrivateKey key = WebhookCertificates.parsePrivateKey(bundle.servingKey());
        X509Certificate[] chain = WebhookCertificates.parseCertificates(bundle.servingCert())
                .toArray(new X509Certificate[0]);
        Material next = new Material("serving-" + generation.incrementAndGet(), key, chain);
        Material previous = current;
        known.keySet().removeIf(a -> previous == null || !a.equals(previous.alias()));
        known.put(next.alias(), next);
        current = next;
    }

    private String alias(String keyType) {
        Material m = current;
        if (m == null) {
            return null;
        }
        String algorithm = m.key().getAlgorithm();
        // JSSE asks per key type ("EC", "RSA", "EC_EC" for ECDH_ECDSA suites, "RSASSA-PSS"...)
        boolean fits = keyType == null || keyType.equals(algorithm) || keyType.startsWith(algorithm + "_")
                || (algorithm.equals("RSA") && keyType.equals("RSASSA-PSS"));
        return fits ? m.alias() : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return alias(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String a = alias(keyType);
        return a == null ? null : new String[] {a};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Material m = alias == null ? null : known.get(alias);
        return m == null ? null : m.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Material m = alias == null ? null : known.get(alias);
        return m == null ? null : m.key();
    }

    /** The webhook never authenticates as a client. */
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}
