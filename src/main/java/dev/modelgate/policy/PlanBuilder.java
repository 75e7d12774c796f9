package dev.modelgate.policy;

import dev.modelgate.api.v1alpha1.CertificateIdentity;
import dev.modelgate.api.v1alpha1.CertificateTrust;
import dev.modelgate.api.v1alpha1.KeylessIdentity;
import dev.modelgate.api.v1alpha1.KeylessTrust;
import dev.modelgate.api.v1alpha1.ModelFile;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.ModelSourceSpec;
import dev.modelgate.api.v1alpha1.SigningKey;
import dev.modelgate.api.v1alpha1.SigningSpec;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.api.v1alpha1.TrustedModelSpec;
import dev.modelgate.integrity.Manifest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the {@link VerificationPlan} of a pod from its {@code TrustedModel}s and their {@code ModelSource}s.
 * The mutating webhook (to embed it) and the validating webhook (to compare it) call the same function, so a
 * pod carries the plan of exactly the current resources. Pure and deterministic: same inputs, same bytes.
 */
public final class PlanBuilder {

    /**
     * Ignore globs every plan carries, before the cluster's own: the metadata {@code hf download --local-dir}
     * leaves on a volume, which no loader reads. Only file names no model loader picks up: ComfyUI lists model
     * folders recursively by extension (hidden folders included), so a {@code .safetensors} or {@code .ckpt}
     * placed under {@code .cache/huggingface/} could be loaded and stays a stray. Root-anchored; a declared file
     * is never ignored. See docs/verifier.md.
     */
    public static final List<String> HUB_METADATA_IGNORE = List.of(
            "/.gitattributes",
            "/.cache/huggingface/.gitignore",
            "/.cache/huggingface/download/**.metadata",
            "/.cache/huggingface/download/**.lock");

    private PlanBuilder() {
    }

    /**
     * @param models   the pod's models, in annotation order
     * @param sources  ModelSources by name (at least those the models name; others are left out of the plan)
     * @param settings volume, root, strictness, ignore globs, default scan policy
     * @throws IllegalArgumentException naming the model when a declaration is unusable: invalid files, a source
     *                                  that is not given, a file url outside the source's prefixes, a path two
     *                                  models declare with different contents
     */
    public static VerificationPlan build(List<TrustedModel> models, Map<String, ModelSource> sources,
            PlanSettings settings) {
        if (models == null || models.isEmpty()) {
            throw new IllegalArgumentException("a verification plan needs at least one TrustedModel");
        }
        List<VerificationPlan.Model> planModels = new ArrayList<>();
        Map<String, VerificationPlan.Source> planSources = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        for (TrustedModel tm : models) {
            String who = ModelManifests.name(tm);
            List<String> problems = ModelManifests.problems(tm);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            String name = tm.getMetadata().getName();
            String namespace = tm.getMetadata().getNamespace();
            if (name == null || name.isBlank() || namespace == null || namespace.isBlank()) {
                throw new IllegalArgumentException(who + ": metadata.name and metadata.namespace are needed in a plan");
            }
            if (!seen.add(namespace + "/" + name)) {
                throw new IllegalArgumentException(who + " is listed twice");
            }
            TrustedModelSpec spec = tm.getSpec();
            ModelSource ms = sources == null ? null : sources.get(spec.getSource());
            if (ms == null || ms.getSpec() == null) {
                throw new IllegalArgumentException(who + ": ModelSource " + spec.getSource()
                        + " does not exist; create it or correct spec.source");
            }
            VerificationPlan.Source source = source(ms.getSpec(), spec.getSource());
            for (int i = 0; i < spec.getFiles().size(); i++) {
                ModelFile f = spec.getFiles().get(i);
                if (f.getUrl() != null) {
                    String at = who + ": spec.files[" + i + "].url: ";
                    UrlPrefixes.problem(f.getUrl(), source.urls()).ifPresent(p -> {
                        throw new IllegalArgumentException(at + p + " (ModelSource " + spec.getSource() + ")");
                    });
                }
            }
            planSources.put(spec.getSource(), source);

            List<VerificationPlan.PlanFile> files = new ArrayList<>();
            for (ModelFile f : spec.getFiles()) {
                files.add(new VerificationPlan.PlanFile(f.getPath(), f.getSha256(), f.getSize(), f.getUrl()));
            }
            // Spec order does not change what is verified, so it must not change the plan's digest either.
            files.sort(Comparator.comparing(VerificationPlan.PlanFile::path, Manifest.PATH_ORDER));

            VerificationPlan.Signature signature = null;
            if (source.signingRequired() || spec.getSignature() != null) {
                String bundle = spec.getSignature() == null
                        ? dev.modelgate.api.v1alpha1.SignatureSpec.DEFAULT_BUNDLE_PATH
                        : spec.getSignature().bundlePathOrDefault();
                signature = new VerificationPlan.Signature(source.signingRequired(), bundle);
            }
            planModels.add(new VerificationPlan.Model(name, namespace, spec.getSource(),
                    ModelManifests.manifest(tm).digest(),
                    spec.getScan() == null || spec.getScan().getPolicy() == null
                            ? settings.defaultScanPolicy() : spec.getScan().getPolicy(),
                    signature, files,
                    spec.getScan() == null ? List.of() : spec.getScan().getAllowGlobals(),
                    spec.getScan() == null ? List.of() : spec.getScan().getAllowCode()));
        }
        try {
            ModelManifests.manifest(models);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the pod's models disagree: " + e.getMessage());
        }
        List<String> ignore = new ArrayList<>(HUB_METADATA_IGNORE);
        settings.ignore().stream().filter(g -> !ignore.contains(g)).forEach(ignore::add);
        VerificationPlan plan = new VerificationPlan(VerificationPlan.API_VERSION, settings.volume(), settings.root(),
                settings.strict(), ignore, planModels, planSources);
        // The verifier parses strictly; a plan it would refuse must fail here, at admission, instead.
        VerificationPlan.fromJson(plan.toJson());
        return plan;
    }

    private static VerificationPlan.Source source(ModelSourceSpec spec, String name) {
        List<String> urls = spec.getUrls() == null ? List.of() : spec.getUrls();
        boolean registryOnly = spec.getOci() != null && spec.getOci().getRepositories() != null
                && !spec.getOci().getRepositories().isEmpty();
        if (urls.isEmpty() && !registryOnly) {
            throw new IllegalArgumentException("ModelSource " + name + " lists no urls; add the https:// prefixes "
                    + "its models come from");
        }
        // A registry-only source has no download prefixes: its models arrive as image volumes, already on the
        // volume when the verifier starts, so the plan lets it download nothing from it.
        String ca = spec.getTls() == null ? null : spec.getTls().getCaBundle();
        SigningSpec signing = spec.getSigning();
        boolean required = signing != null && signing.signatureRequired();
        List<VerificationPlan.Key> keys = new ArrayList<>();
        VerificationPlan.Certificates certificates = null;
        VerificationPlan.Keyless keyless = null;
        if (signing != null) {
            if (signing.getKeys() != null) {
                for (SigningKey k : signing.getKeys()) {
                    if (k.getName() == null || k.getPublicKey() == null) {
                        throw new IllegalArgumentException("ModelSource " + name + ": every spec.signing.keys entry "
                                + "needs name and publicKey");
                    }
                    keys.add(new VerificationPlan.Key(k.getName(), k.getPublicKey(), k.getNotBefore(),
                            k.getNotAfter(), k.revokedKey(), k.getReason()));
                }
                keys.sort(Comparator.comparing(VerificationPlan.Key::name));
            }
            CertificateTrust ct = signing.getCertificates();
            if (ct != null) {
                if (ct.getRoots() == null || ct.getRoots().isBlank()) {
                    throw new IllegalArgumentException("ModelSource " + name + ": spec.signing.certificates.roots is "
                            + "missing; give the PEM roots or remove certificates");
                }
                List<VerificationPlan.CertificateIdentity> ids = new ArrayList<>();
                for (CertificateIdentity id : ct.getIdentities() == null ? List.<CertificateIdentity>of()
                        : ct.getIdentities()) {
                    ids.add(new VerificationPlan.CertificateIdentity(id.getSubject(), id.getSan()));
                }
                certificates = new VerificationPlan.Certificates(ct.getRoots(), ids);
            }
            KeylessTrust kt = signing.getKeyless();
            if (kt != null) {
                List<VerificationPlan.KeylessIdentity> ids = new ArrayList<>();
                for (KeylessIdentity id : kt.getIdentities() == null ? List.<KeylessIdentity>of()
                        : kt.getIdentities()) {
                    if (id.getSan() == null || id.getIssuer() == null) {
                        throw new IllegalArgumentException("ModelSource " + name + ": every spec.signing.keyless "
                                + "identity needs san and issuer");
                    }
                    ids.add(new VerificationPlan.KeylessIdentity(id.getSan(), id.getIssuer()));
                }
                keyless = new VerificationPlan.Keyless(ids, kt.getTrustedRoot());
            }
        }
        return new VerificationPlan.Source(urls, ca, required, keys, certificates, keyless);
    }
}
