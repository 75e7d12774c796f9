package dev.modelgate.operator;

import dev.modelgate.api.v1alpha1.Condition;
import dev.modelgate.api.v1alpha1.ConditionType;
import dev.modelgate.api.v1alpha1.ModelFile;
import dev.modelgate.api.v1alpha1.SignatureSpec;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.oci.ArtifactLayout;
import dev.modelgate.oci.ArtifactLayout.Format;
import dev.modelgate.oci.ArtifactLayout.LayerPlan;
import dev.modelgate.oci.Descriptor;
import dev.modelgate.oci.OciException;
import dev.modelgate.oci.OciManifest;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oci.RegistryClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether an OCI TrustedModel's artifact is still in its registry and still maps to its files, as the draft of the
 * {@code ArtifactAvailable} condition. Reads the manifest only (one GET, digest-checked by the client): the layer
 * digests of raw layers are the files' sha256, so no weight blob is ever requested. Tar layers cannot be compared
 * without pulling them; then the answer is Unknown, unless a raw layer already differs.
 */
public final class ArtifactCheck {

    public static final String TYPE = ConditionType.ARTIFACT_AVAILABLE;
    static final int MAX_LISTED = 3;

    private ArtifactCheck() {
    }

    public static Condition check(TrustedModel tm, RegistryClient client) {
        String name = tm.getMetadata().getName();
        String refText = tm.getSpec().getOci().getReference();
        String who = "the artifact " + refText + " of TrustedModel " + name;
        OciManifest manifest;
        ArtifactLayout.Layout layout;
        try {
            OciReference ref = OciReference.parse(refText);
            manifest = client.manifest(ref);
            layout = ArtifactLayout.of(manifest, refText);
        } catch (OciException e) {
            if (e.missing()) {
                return draft(Condition.FALSE, "ManifestMissing", who + " is no longer in the registry ("
                        + e.getMessage() + "); push it again or approve the copy that replaced it");
            }
            return switch (e.kind()) {
                case MISMATCH -> draft(Condition.FALSE, "ManifestMismatch", who + " cannot be trusted: "
                        + e.getMessage());
                case TRANSPORT -> draft(Condition.FALSE, "RegistryUnreachable", who + " could not be checked: "
                        + e.getMessage() + "; check the registry, the source's caBundle and pullSecret");
                case BAD_INPUT -> draft(Condition.FALSE, "ArtifactUnusable", who + " cannot be checked: "
                        + e.getMessage());
            };
        } catch (IllegalArgumentException e) {
            return draft(Condition.FALSE, "ArtifactUnusable", who + " cannot be checked: " + e.getMessage());
        }
        return compare(tm, who, layout);
    }

    /** The raw layers against spec.files; the signature bundle may be a layer without being a listed file. */
    static Condition compare(TrustedModel tm, String who, ArtifactLayout.Layout layout) {
        Map<String, Descriptor> raw = new HashMap<>();
        int tars = 0;
        for (LayerPlan p : layout.layers()) {
            if (p.format() == Format.RAW) {
                raw.put(p.path(), p.layer());
            } else {
                tars++;
            }
        }
        SignatureSpec sig = tm.getSpec().getSignature();
        String bundle = sig == null ? SignatureSpec.DEFAULT_BUNDLE_PATH : sig.bundlePathOrDefault();
        List<String> differ = new ArrayList<>();
        List<ModelFile> unmapped = new ArrayList<>();
        Map<String, Descriptor> extra = new HashMap<>(raw);
        for (ModelFile f : tm.getSpec().getFiles()) {
            Descriptor d = extra.remove(f.getPath());
            if (d == null) {
                unmapped.add(f);
            } else if (!("sha256:" + f.getSha256()).equals(d.digest()) || d.size() != f.getSize()) {
                differ.add(f.getPath() + " (layer " + d.digest() + ", " + d.size() + " bytes; approved sha256:"
                        + f.getSha256() + ", " + f.getSize() + " bytes)");
            }
        }
        extra.remove(bundle);
        if (tars == 0) {
            unmapped.forEach(f -> differ.add(f.getPath() + " (no layer)"));
            extra.keySet().stream().sorted().forEach(p -> differ.add(p + " (a layer no file of spec.files names)"));
        }
        if (!differ.isEmpty()) {
            return draft(Condition.FALSE, "FilesDiffer", who + " no longer maps to spec.files: " + list(differ)
                    + "; approve the artifact again or restore the approved one");
        }
        if (tars > 0) {
            return draft(Condition.UNKNOWN, "TarLayersNotChecked", who + " exists, but " + tars + " of its "
                    + layout.layers().size() + " layers are archives the operator does not pull, so "
                    + unmapped.size() + " files cannot be compared; run modelgate verify on it to prove them");
        }
        return draft(Condition.TRUE, "ManifestPresent", who + " is in the registry and its " + raw.size()
                + " layers match spec.files");
    }

    private static String list(List<String> items) {
        List<String> shown = items.size() <= MAX_LISTED ? items : items.subList(0, MAX_LISTED);
        return String.join(", ", shown) + (items.size() > MAX_LISTED ? " and " + (items.size() - MAX_LISTED)
                + " more" : "");
    }

    static Condition draft(String status, String reason, String message) {
        return new Condition(TYPE, status, reason, message, null, null);
    }
}
