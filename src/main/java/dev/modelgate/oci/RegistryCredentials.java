package dev.modelgate.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Pull credentials by registry, read from a docker {@code config.json} (the {@code .dockerconfigjson} key of a
 * {@code kubernetes.io/dockerconfigjson} Secret). Only what the file holds is used: no credential helpers, no
 * {@code ~/.docker} lookups, so the credentials are exactly those the source names.
 */
public final class RegistryCredentials {

    /** A user name and password (or token used as password). */
    public record Basic(String username, String password) {
        String header() {
            return "Basic " + Base64.getEncoder().encodeToString(
                    (username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Basic[" + username + "]"; // never the password
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Basic> byRegistry;

    private RegistryCredentials(Map<String, Basic> byRegistry) {
        this.byRegistry = Map.copyOf(byRegistry);
    }

    public static RegistryCredentials none() {
        return new RegistryCredentials(Map.of());
    }

    /**
     * Parses a docker config.json.
     *
     * @throws IllegalArgumentException naming the entry that cannot be used (never its secret)
     */
    public static RegistryCredentials fromDockerConfig(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the docker config is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the docker config is not a JSON object");
        }
        JsonNode auths = root.path("auths");
        Map<String, Basic> out = new HashMap<>();
        auths.fields().forEachRemaining(e -> {
            String registry = normalise(e.getKey());
            JsonNode entry = e.getValue();
            String user = entry.path("username").asText("");
            String pass = entry.path("password").asText("");
            String auth = entry.path("auth").asText("");
            if (!auth.isEmpty()) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException x) {
                    throw new IllegalArgumentException("the docker config entry for " + registry
                            + " has an auth value that is not base64");
                }
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException("the docker config entry for " + registry
                            + " has an auth value that is not user:password");
                }
                user = decoded.substring(0, colon);
                pass = decoded.substring(colon + 1);
            }
            if (user.isEmpty() && pass.isEmpty()) {
                throw new IllegalArgumentException("the docker config entry for " + registry + " holds neither auth "
                        + "nor username/password (identity tokens and credential helpers are not supported)");
            }
            out.put(registry, new Basic(user, pass));
        });
        return new RegistryCredentials(out);
    }

    /** The credentials for {@code registry} (host[:port]), if the config has them. */
    public Optional<Basic> forRegistry(String registry) {
        return Optional.ofNullable(byRegistry.get(registry.toLowerCase(Locale.ROOT)));
    }

    /** {@code https://host:port/v1/} and {@code host:port} both name {@code host:port}. */
    static String normalise(String key) {
        String k = key.strip().toLowerCase(Locale.ROOT);
        int scheme = k.indexOf("://");
        if (scheme >= 0) {
            k = k.substring(scheme + 3);
        }
        int slash = k.indexOf('/');
        return slash >= 0 ? k.substring(0, slash) : k;
    }
}
