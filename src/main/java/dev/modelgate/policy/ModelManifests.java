package dev.modelgate.policy;

import dev.modelgate.api.v1alpha1.ModelFile;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.api.v1alpha1.TrustedModelSpec;
import dev.modelgate.integrity.Manifest;
import dev.modelgate.integrity.ManifestEntry;
import dev.modelgate.integrity.ModelPath;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * From {@code TrustedModel}s to the manifest the engine verifies. The CLI, the operator
 * ({@code status.manifestDigest}) and the webhook's verification plan all go through here, so they agree.
 */
public final class ModelManifests {

    private ModelManifests() {
    }

    /**
     * What is wrong with a model's declaration, in sentences naming the field; empty when it is usable.
     * Mirrors the CRD schema, for YAML that never went through an API server (CLI, GitOps checks).
     */
    public static List<String> problems(TrustedModel tm) {
        List<String> out = new ArrayList<>();
        String who = name(tm);
        if (tm.getSpec() == null) {
            out.add(who + ": spec is missing");
            return out;
        }
        if (isBlank(tm.getSpec().getSource())) {
            out.add(who + ": spec.source is missing; name the ModelSource the model comes from");
        }
        List<ModelFile> files = tm.getSpec().getFiles();
        if (files == null || files.isEmpty()) {
            out.add(who + ": spec.files is empty; a model declares at least one file");
            return out;
        }
        if (files.size() > TrustedModelSpec.MAX_FILES) {
            out.add(who + ": spec.files has " + files.size() + " entries, more than " + TrustedModelSpec.MAX_FILES
                    + "; split the model into several TrustedModels (a pod may name several)");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < files.size(); i++) {
            ModelFile f = files.get(i);
            String at = who + ": spec.files[" + i + "]";
            if (f == null) {
                out.add(at + " is empty");
                continue;
            }
            ModelPath.problem(f.getPath()).ifPresent(p -> out.add(at + ".path: " + p));
            ModelPath.sha256Problem(f.getSha256()).ifPresent(p -> out.add(at + ".sha256: " + p));
            if (f.getSize() < 0) {
                out.add(at + ".size " + f.getSize() + " is negative");
            }
            if (f.getUrl() != null && !f.getUrl().startsWith("https://")) {
                out.add(at + ".url '" + f.getUrl() + "' is not https://; plain HTTP is never used");
            }
            if (f.getPath() != null && !seen.add(f.getPath())) {
                out.add(at + ".path '" + f.getPath() + "' is declared twice");
            }
        }
        return out;
    }

    /** The manifest of one model. Throws {@link IllegalArgumentException} listing every problem. */
    public static Manifest manifest(TrustedModel tm) {
        return manifest(List.of(tm));
    }

    /**
     * The combined manifest of several models (a pod may use several). One path in two models must have
     * the same size and digest, else {@link IllegalArgumentException} names both models.
     */
    public static Manifest manifest(Collection<TrustedModel> models) {
        List<String> problems = new ArrayList<>();
        for (TrustedModel tm : models) {
            problems.addAll(problems(tm));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        Map<String, ManifestEntry> byPath = new HashMap<>();
        Map<String, String> owner = new HashMap<>();
        List<ManifestEntry> entries = new ArrayList<>();
        for (TrustedModel tm : models) {
            for (ModelFile f : tm.getSpec().getFiles()) {
                ManifestEntry e = new ManifestEntry(f.getPath(), f.getSha256(), f.getSize());
                ManifestEntry previous = byPath.putIfAbsent(e.path(), e);
                if (previous == null) {
                    owner.put(e.path(), name(tm));
                    entries.add(e);
                } else if (!previous.equals(e)) {
                    throw new IllegalArgumentException("path '" + e.path() + "' is declared by both "
                            + owner.get(e.path()) + " and " + name(tm) + " with different contents");
                }
            }
        }
        return Manifest.of(entries);
    }

    /** {@code TrustedModel/name} (with the namespace when set), for messages. */
    public static String name(TrustedModel tm) {
        String n = tm.getMetadata() == null ? null : tm.getMetadata().getName();
        String ns = tm.getMetadata() == null ? null : tm.getMetadata().getNamespace();
        return "TrustedModel " + (ns == null ? "" : ns + "/") + (n == null ? "(unnamed)" : n);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
