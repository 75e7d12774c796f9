import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Benchmark helper (run by hand, see docs/benchmarks.md): serves the files of DIR over HTTPS on 127.0.0.1:PORT
 * with the PEM certificate and PKCS#8 EC key given (openssl req -x509 ... makes them).
 *
 *   java src/bench/HttpsFileServer.java DIR PORT cert.pem key.pem
 */
public class HttpsFileServer {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        Certificate cert = CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(Path.of(args[2])));
        String pem = Files.readString(Path.of(args[3])).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", key, "x".toCharArray(), new Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "x".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", ex -> {
            Path f = dir.resolve(ex.getRequestURI().getPath().replaceFirst("^/models/", "")).normalize();
            if (!f.startsWith(dir) || !Files.isRegularFile(f)) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            ex.sendResponseHeaders(200, Files.size(f));
            try (InputStream in = Files.newInputStream(f); OutputStream out = ex.getResponseBody()) {
                in.transferTo(out);
            }
            ex.close();
        });
        server.start();
        System.out.println("serving " + dir + " on https://127.0.0.1:" + port + "/models/");
    }
}
