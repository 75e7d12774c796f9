package dev.modelgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.config.Settings;
import dev.modelgate.policy.PolicySettings;
import dev.modelgate.policy.VerifierResources;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The cluster's settings for {@code modelgate check}, from the same source the operator reads them from: a Helm
 * values file (the chart's keys, over the chart's own defaults, which are packaged with the CLI) or a properties
 * file with the operator's {@code modelgate.*} keys. Both are turned into {@link PolicySettings} by
 * {@link Settings#policySettings}, the function the operator uses.
 */
final class ClusterSettings {

    /** The chart's default release namespace ({@code check --release-namespace}). */
    static final String DEFAULT_RELEASE_NAMESPACE = "modelgate-system";

    private ClusterSettings() {
    }

    /** From --values (Helm values over the chart's defaults) or --config (properties); neither: the chart's defaults. */
    static PolicySettings of(Path values, Path config, String releaseNamespace) {
        if (values != null && config != null) {
            throw new BadInputException("give --values (Helm values) or --config (properties), not both");
        }
        return config != null ? fromProperties(config, releaseNamespace) : fromValues(values, releaseNamespace);
    }

    /** The chart's values.yaml as shipped with this build. */
    static ObjectNode chartDefaults() {
        try (InputStream in = ClusterSettings.class.getResourceAsStream("/dev/modelgate/chart/values.yaml")) {
            if (in == null) {
                throw new IllegalStateException("the chart's values.yaml is missing from the build");
            }
            return (ObjectNode) ResourceYaml.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the chart's values.yaml: " + e.getMessage(), e);
        }
    }

    /** Settings from Helm values ({@code values} may be null: the chart's defaults), as the chart passes them on. */
    static PolicySettings fromValues(Path values, String releaseNamespace) {
        ObjectNode merged = chartDefaults();
        if (values != null) {
            List<JsonNode> docs = ResourceYaml.readDocuments(values);
            if (docs.size() != 1 || !docs.get(0).isObject()) {
                throw new BadInputException(values + ": a Helm values file holds one YAML mapping");
            }
            merge(merged, docs.get(0));
        }
        String where = values == null ? "the chart's values.yaml" : values.toString();
        JsonNode verifier = merged.path("verifier");
        JsonNode admission = merged.path("admission");
        String image = text(verifier, "image", where + ": verifier.image");
        if (image.isEmpty()) {
            // The chart's "modelgate.image": repository@digest when pinned, else repository:tag (tag: appVersion).
            JsonNode img = merged.path("image");
            String repo = text(img, "repository", where + ": image.repository");
            String digest = text(img, "digest", where + ": image.digest");
            String tag = text(img, "tag", where + ": image.tag");
            String defaultTag = PolicySettings.DEFAULT_VERIFIER_IMAGE.substring(
                    PolicySettings.DEFAULT_VERIFIER_IMAGE.lastIndexOf(':') + 1);
            image = !digest.isEmpty() ? repo + "@" + digest : repo + ":" + (tag.isEmpty() ? defaultTag : tag);
        }
        try {
            return Settings.policySettings(image, text(admission, "defaultMode", where + ": admission.defaultMode"),
                    list(admission, "exemptNamespaces", where), releaseNamespace,
                    text(admission, "reviewOverdueAction", where + ": admission.reviewOverdueAction"),
                    text(verifier, "scanPolicy", where + ": verifier.scanPolicy"),
                    bool(verifier, "strict", where + ": verifier.strict"), list(verifier, "ignore", where),
                    list(admission, "guardAllowedUsers", where), list(admission, "guardAllowedGroups", where),
                    list(admission, "allowedVolumeTypes", where),
                    VerifierResources.of(text(verifier.path("resources").path("requests"), "cpu", where),
                            text(verifier.path("resources").path("requests"), "memory", where),
                            text(verifier.path("resources").path("limits"), "cpu", where),
                            text(verifier.path("resources").path("limits"), "memory", where)));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(where + ": " + e.getMessage());
        }
    }

    /** Settings from a properties file with the operator's keys (application.properties); unset keys: defaults. */
    static PolicySettings fromProperties(Path file, String releaseNamespace) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new BadInputException("--config " + file + ": no such file");
        } catch (IOException | IllegalArgumentException e) {
            throw new BadInputException("--config " + file + ": cannot be read as a properties file");
        }
        PolicySettings d = fromValues(null, releaseNamespace);
        String strict = p.getProperty("modelgate.verifier.strict", String.valueOf(d.strict()));
        if (!strict.equals("true") && !strict.equals("false")) {
            throw new BadInputException(file + ": modelgate.verifier.strict '" + strict + "' is not true or false");
        }
        try {
            return Settings.policySettings(p.getProperty("modelgate.verifier.image", d.verifierImage()),
                    p.getProperty("modelgate.admission.default-mode", d.defaultMode().label()),
                    csv(p.getProperty("modelgate.admission.exempt-namespaces", "")),
                    p.getProperty("modelgate.operator.namespace", releaseNamespace),
                    p.getProperty("modelgate.admission.review-overdue-action",
                            d.reviewOverdueAction().label()),
                    p.getProperty("modelgate.verifier.scan-policy",
                            d.defaultScanPolicy().name().toLowerCase(java.util.Locale.ROOT)),
                    Boolean.parseBoolean(strict), csv(p.getProperty("modelgate.verifier.ignore", "")),
                    csv(p.getProperty("modelgate.admission.guard-allowed-users", "")),
                    csv(p.getProperty("modelgate.admission.guard-allowed-groups", "")),
                    csv(p.getProperty("modelgate.admission.allowed-volume-types", "")),
                    VerifierResources.of(
                            p.getProperty("modelgate.verifier.resources.requests-cpu", d.verifierResources().requestsCpu().orElse("none")),
                            p.getProperty("modelgate.verifier.resources.requests-memory",
                                    d.verifierResources().requestsMemory().orElse("none")),
                            p.getProperty("modelgate.verifier.resources.limits-cpu", d.verifierResources().limitsCpu().orElse("none")),
                            p.getProperty("modelgate.verifier.resources.limits-memory",
                                    d.verifierResources().limitsMemory().orElse("none"))));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file + ": " + e.getMessage());
        }
    }

    /** Helm's merge: mappings merge key by key, anything else replaces. */
    static void merge(ObjectNode base, JsonNode over) {
        for (Iterator<Map.Entry<String, JsonNode>> it = over.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode b = base.get(e.getKey());
            if (b instanceof ObjectNode bo && e.getValue().isObject()) {
                merge(bo, e.getValue());
            } else {
                base.set(e.getKey(), e.getValue());
            }
        }
    }

    private static String text(JsonNode parent, String field, String where) {
        JsonNode n = parent.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return "";
        }
        if (!n.isValueNode()) {
            throw new BadInputException(where + " is not a single value");
        }
        return n.asText();
    }

    private static boolean bool(JsonNode parent, String field, String where) {
        JsonNode n = parent.path(field);
        if (!n.isBoolean()) {
            throw new BadInputException(where + " is not true or false");
        }
        return n.asBoolean();
    }

    private static List<String> list(JsonNode parent, String field, String where) {
        JsonNode n = parent.path(field);
        List<String> out = new ArrayList<>();
        if (n.isMissingNode() || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            throw new BadInputException(where + ": " + field + " is not a list");
        }
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    private static List<String> csv(String value) {
        return value.isBlank() ? List.of() : Arrays.stream(value.split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
    }
}
