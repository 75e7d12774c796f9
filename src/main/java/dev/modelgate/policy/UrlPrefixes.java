package dev.modelgate.policy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a download URL lies under one of a source's prefixes. A plain string prefix is not enough:
 * {@code https://a.example/models} must not admit {@code https://a.example/models-evil/x}, nor
 * {@code https://a.example.evil.net/}, nor a path that climbs out with {@code ..}. The admission decision, the
 * operator and the verifier's downloader all ask here.
 */
public final class UrlPrefixes {

    private UrlPrefixes() {
    }

    /** Why {@code url} is not an acceptable download URL under {@code prefixes}, or empty when it is. */
    public static Optional<String> problem(String url, Collection<String> prefixes) {
        URI u;
        try {
            u = parse(url);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        if (prefixes == null || prefixes.isEmpty()) {
            return Optional.of("url '" + url + "' cannot be checked: the source lists no url prefixes");
        }
        for (String prefix : prefixes) {
            try {
                if (under(u, parse(prefix))) {
                    return Optional.empty();
                }
            } catch (IllegalArgumentException e) {
                // A malformed prefix admits nothing; the source's own judgement reports it.
            }
        }
        return Optional.of("url '" + url + "' is not under any of the source's urls " + prefixes);
    }

    public static boolean isUnder(String url, Collection<String> prefixes) {
        return problem(url, prefixes).isEmpty();
    }

    private static boolean under(URI url, URI prefix) {
        if (!url.getHost().equalsIgnoreCase(prefix.getHost()) || port(url) != port(prefix)) {
            return false;
        }
        String p = prefix.getRawPath() == null || prefix.getRawPath().isEmpty() ? "/" : prefix.getRawPath();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (p.endsWith("/")) {
            return path.startsWith(p);
        }
        return path.equals(p) || path.startsWith(p + "/");
    }

    private static int port(URI u) {
        return u.getPort() == -1 ? 443 : u.getPort();
    }

    /** An https URL without user info, fragment or dot segments; anything else is refused with a reason. */
    static URI parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("url is empty");
        }
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url '" + url + "' is not a valid URL: " + e.getReason());
        }
        if (u.getScheme() == null || !u.getScheme().toLowerCase(Locale.ROOT).equals("https")) {
            throw new IllegalArgumentException("url '" + url + "' is not https://; plain HTTP is never used");
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException("url '" + url + "' has no host");
        }
        if (u.getRawUserInfo() != null) {
            throw new IllegalArgumentException("url '" + url + "' carries user info; credentials do not belong in a URL");
        }
        if (u.getRawFragment() != null) {
            throw new IllegalArgumentException("url '" + url + "' has a fragment");
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        String lower = path.toLowerCase(Locale.ROOT);
        for (String seg : lower.split("/", -1)) {
            if (seg.equals("..") || seg.equals(".") || seg.equals("%2e%2e") || seg.equals("%2e.")
                    || seg.equals(".%2e") || seg.equals("%2e")) {
                throw new IllegalArgumentException("url '" + url + "' has a dot segment ('..' or '.') in its path");
            }
        }
        if (lower.contains("%2f") || lower.contains("%5c") || path.contains("\\")) {
            throw new IllegalArgumentException("url '" + url + "' has an encoded or back slash in its path");
        }
        return u;
    }
}
