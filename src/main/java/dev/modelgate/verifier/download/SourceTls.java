package dev.modelgate.verifier.download;

import dev.modelgate.tls.CaBundles;
import dev.modelgate.verifier.ReasonCode;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

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
            return CaBundles.sslContext(caBundlePem).getSocketFactory();
        } catch (IllegalArgumentException e) {
            throw new DownloadException(ReasonCode.BadPlan, "source " + sourceName + ": caBundle " + e.getMessage()
                    + "; give the PEM CA certificates of the download server");
        }
    }
}
