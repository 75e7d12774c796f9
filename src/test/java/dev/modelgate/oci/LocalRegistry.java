package dev.modelgate.oci;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code docker-registry} (Distribution 2.8) on 127.0.0.1, filesystem storage in a temporary folder,
 * optionally behind htpasswd basic auth; artifacts are pushed with Debian's {@code skopeo}. Stopped by pid.
 */
public final class LocalRegistry implements AutoCloseable {

    static final Path REGISTRY = Path.of("/usr/bin/docker-registry");
    static final Path SKOPEO = Path.of("/usr/bin/skopeo");
    public static final String USER = "puller";
    public static final String PASSWORD = "s3cret-for-tests";

    /**
     * Skips the calling test (visibly) when the binaries are missing; under CI=true, where they are always
     * installed, fails instead.
     */
    public static void requireTools() {
        boolean present = Files.isExecutable(REGISTRY) && Files.isExecutable(SKOPEO);
        String why = "docker-registry and skopeo are needed for the real-registry tests (apt-get install "
                + "docker-registry skopeo); OCI registry behaviour was NOT tested";
        if (!present && "true".equals(System.getenv("CI"))) {
            fail(why);
        }
        Assumptions.assumeTrue(present, why);
    }

    private final Path dir;
    private final int port;
    private final Process process;
    private final boolean auth;

    private LocalRegistry(Path dir, int port, Process process, boolean auth) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.auth = auth;
    }

    public static LocalRegistry start(Path dir, boolean htpasswd) throws IOException, InterruptedException {
        int port = freePort();
        Files.createDirectories(dir.resolve("storage"));
        StringBuilder config = new StringBuilder()
                .append("version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: ")
                .append(dir.resolve("storage")).append("\n  delete:\n    enabled: true\n")
                .append("http:\n  addr: 127.0.0.1:").append(port).append("\n");
        if (htpasswd) {
            byte[] salt = new byte[16];
            new SecureRandom().nextBytes(salt);
            String hash = OpenBSDBCrypt.generate("2y", PASSWORD.toCharArray(), salt, 4);
            Files.writeString(dir.resolve("htpasswd"), USER + ":" + hash + "\n");
            config.append("auth:\n  htpasswd:\n    realm: modelgate-test\n    path: ")
                    .append(dir.resolve("htpasswd")).append("\n");
        }
        Files.writeString(dir.resolve("config.yml"), config);
        Process p = new ProcessBuilder(REGISTRY.toString(), "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        LocalRegistry r = new LocalRegistry(dir, port, p, htpasswd);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                fail("docker-registry exited at start: " + Files.readString(dir.resolve("registry.log")));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(r.url() + "/v2/").toURL().openConnection();
                c.setConnectTimeout(500);
                int code = c.getResponseCode();
                c.disconnect();
                if (code == 200 || code == 401) {
                    return r;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        r.close();
        fail("docker-registry did not answer on 127.0.0.1:" + port + " within 20 s");
        return r;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    String url() {
        return "http://" + hostPort();
    }

    Path storage() {
        return dir.resolve("storage/docker/registry/v2");
    }

    /** The file holding a blob's bytes in the registry's storage. */
    public Path blobData(String digest) {
        String hex = digest.substring("sha256:".length());
        return storage().resolve("blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
    }

    /** The link that makes a blob part of a repository; deleting it makes the registry answer 404 for it there. */
    Path layerLink(String repository, String digest) {
        return storage().resolve("repositories/" + repository + "/_layers/sha256/"
                + digest.substring("sha256:".length()) + "/link");
    }

    /** Pushes {@code layout:tag} to {@code repository:tag} with skopeo, keeping every digest. */
    public void push(OciLayout layout, String tag, String repository) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(SKOPEO.toString(), "copy", "--quiet", "--dest-tls-verify=false",
                "--preserve-digests"));
        if (auth) {
            cmd.add("--dest-creds=" + USER + ":" + PASSWORD);
        }
        cmd.add("oci:" + layout.dir() + ":" + tag);
        cmd.add("docker://" + hostPort() + "/" + repository + ":" + tag);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            fail("skopeo copy failed: " + out);
        }
    }

    /** Deletes a manifest through the registry's API (deletion is enabled in the test configuration). */
    public void deleteManifest(String repository, String digest) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url() + "/v2/" + repository + "/manifests/" + digest)
                .toURL().openConnection();
        c.setRequestMethod("DELETE");
        int code = c.getResponseCode();
        c.disconnect();
        if (code != 202) {
            fail("the registry answered " + code + " to deleting " + repository + "@" + digest);
        }
    }

    /** Access-log lines of GET requests for whole or ranged blobs of {@code repository} (not HEAD). */
    public List<String> blobGets(String repository) throws IOException {
        String needle = "\"GET /v2/" + repository + "/blobs/";
        return Files.readAllLines(dir.resolve("registry.log")).stream().filter(l -> l.contains(needle)).toList();
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("registry.log"));
    }

    /** A docker config.json with this registry's test credentials. */
    public byte[] dockerConfig() {
        String auth64 = java.util.Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        return ("{\"auths\":{\"" + hostPort() + "\":{\"auth\":\"" + auth64 + "\"}}}").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
