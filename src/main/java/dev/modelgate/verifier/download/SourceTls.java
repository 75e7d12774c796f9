package dev.modelgate.verifier.download;

import dev.modelgate.verifier.ReasonCode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS trust of one source's downloads: only the CAs of its {@code spec.tls.caBundle} when it has one (the
 * JVM's trust store is then not consulted at all), the JVM's trust store otherwise. Host names are always
 * verified ({@link HttpsURLConnection}'s default verifier).
 */
public final class SourceTls {

    private SourceTls() {
    }

    /**
     * The socket factory for a source; {@code caBundlePem} null means the JVM's trust store.
     *
     * @throws DownloadException (BadPlan) when the bundle holds no readable certificate
     */
    public static SSLSocketFactory socketFactory(String sourceName, String caBundlePem) throws DownloadException {
        if (caBundlePem == null) {
            return HttpsURLConnection.getDefaultSSLSocketFactory();
        }
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(caBundlePem.getBytes(StandardCharsets.US_ASCII)));
            if (certs.isEmpty()) {
                throw new DownloadException(ReasonCode.BadPlan, "source " + sourceName
                        + ": caBundle holds no certificate; give the PEM CA certificates of the download server");
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new DownloadException(ReasonCode.BadPlan, "source " + sourceName + ": caBundle cannot be read ("
                    + e.getMessage() + "); give PEM CA certificates");
        }
    }
}
