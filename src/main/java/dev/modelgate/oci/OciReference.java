package dev.modelgate.oci;

import dev.modelgate.api.v1alpha1.ApiPatterns;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed artifact reference: {@code registry/repository} with a tag, a digest, or both. Only explicit
 * registries are accepted (no Docker Hub short names: {@code library/ubuntu} would silently mean a registry the
 * user never named). The CLI accepts an {@code oci://} prefix; resources hold the reference without it.
 */
public record OciReference(String registry, String repository, String tag, String digest) {

    public static final String SCHEME = "oci://";

    private static final Pattern REGISTRY = Pattern.compile("^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$");
    private static final Pattern COMPONENT = Pattern.compile("^[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*$");
    private static final Pattern TAG = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$");
    private static final Pattern SHA256 = Pattern.compile("^sha256:[a-f0-9]{64}$");
    private static final Pattern DIGEST_REFERENCE = Pattern.compile(ApiPatterns.OCI_DIGEST_REFERENCE);
    private static final Pattern PREFIX = Pattern.compile(ApiPatterns.OCI_REPOSITORY_PREFIX);

    /**
     * Parses {@code [oci://]registry/repo[:tag][@sha256:hex]}.
     *
     * @throws IllegalArgumentException with a sentence naming what is wrong
     */
    public static OciReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the OCI reference is empty");
        }
        String s = text.strip();
        if (s.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            s = s.substring(SCHEME.length());
        } else if (s.contains("://")) {
            throw new IllegalArgumentException("'" + text + "' is not an OCI reference: give registry/repository@sha256:"
                    + "<digest>, optionally with oci:// in front");
        }
        if (s.length() > 512) {
            throw new IllegalArgumentException("the OCI reference '" + text + "' is longer than 512 characters");
        }
        String digest = null;
        int at = s.indexOf('@');
        if (at >= 0) {
            digest = s.substring(at + 1);
            s = s.substring(0, at);
            if (!SHA256.matcher(digest).matches()) {
                throw new IllegalArgumentException("'" + text + "': the digest must be sha256: followed by 64 "
                        + "lower-case hex digits");
            }
        }
        int slash = s.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("'" + text + "' names no registry: write it in full, e.g. "
                    + "ghcr.io/acme/model@sha256:<digest>");
        }
        String registry = s.substring(0, slash);
        String rest = s.substring(slash + 1);
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon >= 0) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("'" + text + "': '" + tag + "' is not a valid tag");
            }
        }
        if (!REGISTRY.matcher(registry).matches()) {
            throw new IllegalArgumentException("'" + text + "': '" + registry + "' is not a registry host[:port] "
                    + "(lower-case)");
        }
        if (rest.isEmpty() || rest.length() > 255) {
            throw new IllegalArgumentException("'" + text + "' names no repository (or one over 255 characters)");
        }
        for (String c : rest.split("/", -1)) {
            if (!COMPONENT.matcher(c).matches()) {
                throw new IllegalArgumentException("'" + text + "': repository component '" + c + "' is not valid "
                        + "(lower-case letters and digits, separated by '.', '_', '__' or '-')");
            }
        }
        if (tag == null && digest == null) {
            throw new IllegalArgumentException("'" + text + "' has neither tag nor digest; give @sha256:<digest> "
                    + "(or a tag to resolve once)");
        }
        return new OciReference(registry, rest, tag, digest);
    }

    /** The same artifact pinned to {@code manifestDigest}, without a tag. */
    public OciReference pinned(String manifestDigest) {
        return new OciReference(registry, repository, null, manifestDigest);
    }

    /** {@code registry/repository@sha256:...}, the form {@code spec.oci.reference} holds. */
    public String pinnedForm() {
        if (digest == null) {
            throw new IllegalStateException(this + " has no digest");
        }
        return registry + "/" + repository + "@" + digest;
    }

    /** True when the reference is in the form the schema accepts for {@code spec.oci.reference}. */
    public static boolean isPinnedForm(String text) {
        return text != null && text.length() <= 512 && DIGEST_REFERENCE.matcher(text).matches();
    }

    /** The registry's host name, lower-case, without port. */
    public String host() {
        int c = registry.lastIndexOf(':');
        return (c < 0 ? registry : registry.substring(0, c)).toLowerCase(Locale.ROOT);
    }

    /**
     * True when this reference's repository is {@code prefix} or lies below it, on whole path components:
     * {@code ghcr.io/acme/models} admits {@code ghcr.io/acme/models/llama} but not {@code ghcr.io/acme/models-evil}.
     * A registry's default port is not assumed: {@code ghcr.io} and {@code ghcr.io:443} are different prefixes.
     */
    public boolean isUnder(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            return false;
        }
        String full = registry + "/" + repository;
        return full.equals(prefix) || full.startsWith(prefix + "/");
    }

    /** The first of {@code prefixes} this reference lies under. */
    public Optional<String> prefixIn(Collection<String> prefixes) {
        if (prefixes == null) {
            return Optional.empty();
        }
        return prefixes.stream().filter(this::isUnder).findFirst();
    }

    @Override
    public String toString() {
        return registry + "/" + repository + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
