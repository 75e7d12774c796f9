package dev.modelgate.admission.tls;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the API server calls the webhooks: through the webhook Service (in cluster, the default) or at a URL
 * ({@code modelgate.webhook.url}, out of cluster), which the webhook configurations then name in
 * {@code clientConfig.url} and the serving certificate names by its host.
 *
 * @param baseUrl the https:// URL without a trailing '/', or empty for the Service
 * @param host    the URL's host (a DNS name or an IP literal without brackets), or empty
 */
public record WebhookEndpoint(Optional<String> baseUrl, Optional<String> host) {

    private static final Pattern IPV4 = Pattern.compile("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$");

    /** The in-cluster endpoint: the Service. */
    public static final WebhookEndpoint SERVICE = new WebhookEndpoint(Optional.empty(), Optional.empty());

    /**
     * The endpoint for the setting's value; a value that the API server would refuse as {@code clientConfig.url}
     * (not https, no host, user info, query or fragment) fails start-up with one sentence naming the setting.
     */
    public static WebhookEndpoint of(Optional<String> url) {
        if (url.isEmpty() || url.get().isBlank()) {
            return SERVICE;
        }
        String value = url.get().strip();
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw invalid(value, "it is not a URL (" + e.getReason() + ")");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw invalid(value, "the API server calls webhooks over https:// only");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw invalid(value, "it names no host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(value, "the API server refuses user info, a query or a fragment in a webhook URL");
        }
        String base = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new WebhookEndpoint(Optional.of(base), Optional.of(host));
    }

    private static IllegalArgumentException invalid(String value, String why) {
        return new IllegalArgumentException("modelgate.webhook.url '" + value + "' cannot be used: " + why
                + "; set it to the https:// base URL the API server reaches the webhooks at, e.g. https://localhost:8443");
    }

    public boolean outOfCluster() {
        return baseUrl.isPresent();
    }

    /** The URL of the webhook at {@code path} ({@code /mutate}, {@code /validate}); only out of cluster. */
    public String url(String path) {
        return baseUrl.orElseThrow() + (path.startsWith("/") ? path : "/" + path);
    }

    /**
     * The names the serving certificate must carry: the URL's host first when out of cluster, then the Service's
     * DNS names (so the same certificate also serves in cluster).
     */
    public List<String> certificateNames(String service, String namespace) {
        List<String> names = new ArrayList<>();
        host.ifPresent(names::add);
        for (String name : WebhookCertificates.serviceDnsNames(service, namespace)) {
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /** True for an IPv4 or IPv6 literal, which certificates carry as an IP address, not a DNS name. */
    static boolean isIpLiteral(String name) {
        return IPV4.matcher(name).matches() || name.contains(":");
    }
}
