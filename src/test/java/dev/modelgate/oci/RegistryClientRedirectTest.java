package dev.modelgate.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Redirects of blob downloads (registries send them to storage): the credentials stay with the registry, and a
 * blob served by the redirect target is still checked against its digest. Loopback fakes, no registry needed.
 */
class RegistryClientRedirectTest {

    @Test
    void credentialsAreNotSentToTheRedirectTargetAndItsBytesAreChecked() throws Exception {
        byte[] blob = "the weights".getBytes(StandardCharsets.UTF_8);
        String digest = "sha256:" + OciLayout.sha256(blob);
        AtomicReference<String> storageSawAuth = new AtomicReference<>("(not called)");
        AtomicReference<byte[]> served = new AtomicReference<>(blob);
        HttpServer storage = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        storage.createContext("/", x -> {
            storageSawAuth.set(x.getRequestHeaders().getFirst("Authorization"));
            byte[] b = served.get();
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        storage.start();
        String storageHost = "127.0.0.1:" + storage.getAddress().getPort();
        HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/v2/", x -> {
            if (x.getRequestHeaders().getFirst("Authorization") == null) {
                x.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test\"");
                x.sendResponseHeaders(401, -1);
            } else {
                x.getResponseHeaders().add("Location", "http://" + storageHost + "/bucket/blob?sig=abc");
                x.sendResponseHeaders(307, -1);
            }
            x.close();
        });
        registry.start();
        try {
            String host = "127.0.0.1:" + registry.getAddress().getPort();
            RegistryCredentials creds = RegistryCredentials.fromDockerConfig(("{\"auths\":{\"" + host
                    + "\":{\"username\":\"u\",\"password\":\"p\"}}}").getBytes(StandardCharsets.UTF_8));
            RegistryClient c = new RegistryClient(new RegistryClient.Settings(null, Set.of(host, storageHost), creds,
                    Duration.ofSeconds(10), 5));
            OciReference repo = OciReference.parse(host + "/models/x@" + digest);
            Descriptor d = new Descriptor("application/vnd.cncf.model.weight.v1.raw", digest, blob.length, Map.of());
            try (InputStream in = c.openBlob(repo, d, "test")) {
                assertEquals("the weights", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            assertNull(storageSawAuth.get(), "the registry's credentials must not reach the redirect target");

            served.set("the wrights".getBytes(StandardCharsets.UTF_8));
            RegistryClient.OciIOException e = assertThrows(RegistryClient.OciIOException.class, () -> {
                try (InputStream in = c.openBlob(repo, d, "test")) {
                    in.readAllBytes();
                }
            });
            assertEquals(OciException.Kind.MISMATCH, e.oci().kind());
            assertTrue(e.getMessage().contains("corrupted or tampered"), e.getMessage());
        } finally {
            registry.stop(0);
            storage.stop(0);
        }
    }
}
