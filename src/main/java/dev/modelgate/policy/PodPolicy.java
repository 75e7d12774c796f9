package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The admission decision as a pure function of (request, cluster snapshot, settings, time): the mutating step
 * ({@link #mutate}) and the validating step ({@link #validate}). The webhooks and {@code modelgate check} call
 * exactly this code, so a manifest that passes the check passes the cluster.
 */
public final class PodPolicy {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final List<String> CONTAINER_LISTS = List.of("initContainers", "containers", "ephemeralContainers");

    /** Plans kept at most; past this the cache starts over rather than grow. */
    static final int MAX_PLANS = 10_000;

    private final PolicySettings settings;
    private final PolicySnapshot snapshot;
    private final Supplier<Instant> clock;
    private final VerdictCache verdicts;
    /** Built plans by the exact versions of their inputs; building is a pure function of those and the settings. */
    private final Map<PlanKey, SealedPlan> plans = new ConcurrentHashMap<>();

    private record PlanKey(List<String> versions, PlanSettings settings) {
    }

    public PodPolicy(PolicySettings settings, PolicySnapshot snapshot, Supplier<Instant> clock) {
        this(settings, snapshot, clock, new VerdictCache());
    }

    /** With a verdict cache shared with the operator, which judges the same objects. */
    public PodPolicy(PolicySettings settings, PolicySnapshot snapshot, Supplier<Instant> clock,
            VerdictCache verdicts) {
        this.settings = Objects.requireNonNull(settings);
        this.snapshot = Objects.requireNonNull(snapshot);
        this.clock = Objects.requireNonNull(clock);
        this.verdicts = Objects.requireNonNull(verdicts);
    }

    // ------------------------------------------------------------------------------------------------ mutation

    /**
     * The RFC 6902 JSON Patch that makes a new pod follow the contract: the verifier as the last init-container
     * with the plan of the current resources, the plan's digest as an annotation, every other mount of the model
     * volume read-only. Empty when nothing needs changing (a mutated pod is left as it is) and for anything but
     * a pod CREATE in an opted-in namespace. When the plan cannot be built (an unknown model, a missing source)
     * no verifier is injected and the validating step refuses the pod with the reason.
     */
    public ArrayNode mutate(AdmissionInput in) {
        ArrayNode ops = F.arrayNode();
        Optional<WorkloadKind> kind = WorkloadKind.of(in.group(), in.kind());
        if (kind.isEmpty() || !kind.get().isPod() || !"CREATE".equals(in.operation()) || in.subResource() != null
                || in.object() == null || !in.object().isObject()) {
            return ops;
        }
        PodObject pod = new PodObject(kind.get(), in.namespace(), in.object());
        if (scope(pod.namespace(), new ArrayList<>()) == null || pod.modelsAnnotation() == null) {
            return ops;
        }
        String volume = pod.modelVolume();
        JsonNode spec = pod.specNode();
        if (!spec.isObject()) {
            return ops;
        }
        // 1. Every mount of the model volume outside the verifier becomes read-only.
        for (String list : CONTAINER_LISTS) {
            JsonNode containers = spec.path(list);
            for (int i = 0; i < containers.size(); i++) {
                JsonNode c = containers.get(i);
                if (list.equals("initContainers") && isVerifier(c)) {
                    continue;
                }
                JsonNode mounts = c.path("volumeMounts");
                for (int j = 0; j < mounts.size(); j++) {
                    JsonNode m = mounts.get(j);
                    if (volume.equals(m.path("name").asText()) && !m.path("readOnly").asBoolean(false)) {
                        ops.add(op("add", "/spec/" + list + "/" + i + "/volumeMounts/" + j + "/readOnly",
                                F.booleanNode(true)));
                    }
                }
            }
        }
        // 2. The verifier and the plan digest, when the plan can be built from the current resources.
        Optional<SealedPlan> plan = plan(pod, new ArrayList<>());
        if (plan.isEmpty() || !hasVolume(spec, volume)) {
            return ops;
        }
        ObjectNode expected = VerifierContainer.injected(plan.get().json(), settings.verifierImage(), volume,
                settings.verifierResources());
        String sha = plan.get().sha256();
        JsonNode annotations = in.object().path("metadata").path("annotations");
        if (!sha.equals(annotations.path(PodContract.ANNOTATION_PLAN_SHA256).asText(null))) {
            ops.add(op("add", "/metadata/annotations/" + escape(PodContract.ANNOTATION_PLAN_SHA256),
                    F.textNode(sha)));
        }
        JsonNode inits = spec.path("initContainers");
        List<Integer> verifiers = new ArrayList<>();
        for (int i = 0; i < inits.size(); i++) {
            if (isVerifier(inits.get(i))) {
                verifiers.add(i);
            }
        }
        boolean inPlace = verifiers.size() == 1 && verifiers.get(0) == inits.size() - 1
                && VerifierContainer.matches(inits.get(inits.size() - 1), expected);
        if (!inPlace) {
            for (int k = verifiers.size() - 1; k >= 0; k--) {
                ops.add(op("remove", "/spec/initContainers/" + verifiers.get(k), null));
            }
            if (inits.isArray()) {
                ops.add(op("add", "/spec/initContainers/-", expected));
            } else {
                ops.add(op("add", "/spec/initContainers", F.arrayNode().add(expected)));
            }
        }
        // The annotation op above needs the annotations object; create it first when the pod has none.
        if (!annotations.isObject() && !ops.isEmpty()) {
            ArrayNode ordered = F.arrayNode();
            ordered.add(op("add", "/metadata/annotations", F.objectNode()));
            ordered.addAll(ops);
            return ordered;
        }
        return ops;
    }

    // ---------------------------------------------------------------------------------------------- validation

    /** Judges one request: the pod contract for pods and workload templates, the guards for updates. */
    public AdmissionDecision validate(AdmissionInput in) {
        if ("Namespace".equals(in.kind()) && (in.group() == null || in.group().isEmpty())) {
            return namespaceGuard(in);
        }
        Optional<WorkloadKind> kind = WorkloadKind.of(in.group(), in.kind());
        if (kind.isEmpty()) {
            return AdmissionDecision.skip(in.kind(), "ModelGate does not judge " + in.kind() + " objects");
        }
        if ("DELETE".equals(in.operation()) || "CONNECT".equals(in.operation()) || in.object() == null) {
            return AdmissionDecision.skip(in.kind(), in.operation() + " is not judged");
        }
        PodObject pod = new PodObject(kind.get(), in.namespace(), in.object());
        List<String> modeWarnings = new ArrayList<>();
        EnforcementMode mode = scope(pod.namespace(), modeWarnings);
        if (mode == null) {
            return AdmissionDecision.skip(pod.describe(), "namespace " + pod.namespace()
                    + " is exempt or not opted in");
        }
        if (!pod.object().isObject() || !pod.specNode().isObject()) {
            return AdmissionDecision.of(pod.describe(), mode, List.of(Violation.deny(PodRule.INVALID_OBJECT,
                    pod.kind().kind(), pod.describe() + " has no pod spec at " + pod.kind().specPointer()
                            + " (rule " + PodRule.INVALID_OBJECT.id() + "); fix the manifest")), modeWarnings);
        }
        List<Violation> out = new ArrayList<>();
        if ("UPDATE".equals(in.operation())) {
            annotationGuard(in, pod).ifPresent(out::add);
            if (!pod.kind().isPod()) {
                out.addAll(contract(pod, false));
            } else if ("ephemeralcontainers".equals(in.subResource())) {
                // A running pod gains a debug container: only its mounts are new.
                out.addAll(mounts(pod, pod.modelsAnnotation() != null));
            }
            // Other pod updates change no container or volume (the API server forbids it); the plan was
            // checked at creation and is not re-judged against resources that changed since.
        } else if ("CREATE".equals(in.operation())) {
            out.addAll(contract(pod, pod.kind().isPod()));
        }
        return AdmissionDecision.of(pod.describe(), mode, out, modeWarnings);
    }

    /** Every rule of the pod contract; {@code checkVerifier} only for pods (templates get it at pod creation). */
    List<Violation> contract(PodObject pod, boolean checkVerifier) {
        List<Violation> out = new ArrayList<>();
        try {
            pod.spec();
        } catch (IllegalArgumentException e) {
            out.add(Violation.deny(PodRule.INVALID_OBJECT, pod.kind().kind(), e.getMessage() + " (rule "
                    + PodRule.INVALID_OBJECT.id() + "); fix the manifest"));
            return out;
        }
        boolean declares = pod.modelsAnnotation() != null;
        out.addAll(mounts(pod, declares));
        if (!declares) {
            return out;
        }
        Optional<SealedPlan> plan = plan(pod, out);
        String volume = pod.modelVolume();
        if (!hasVolume(pod.specNode(), volume)) {
            out.add(Violation.deny(PodRule.MODEL_VOLUME_MISSING, volume, pod.describe() + " declares models "
                    + pod.modelsAnnotation() + " but has no volume named '" + volume + "' (rule "
                    + PodRule.MODEL_VOLUME_MISSING.id() + "); add the volume that holds the models or name it in "
                    + PodContract.ANNOTATION_VOLUME));
            return out;
        }
        if (checkVerifier && plan.isPresent()) {
            out.addAll(verifier(pod, plan.get()));
        }
        return out;
    }

    /** The models, their readiness and the plan; adds what is wrong with them to {@code out}. */
    private Optional<SealedPlan> plan(PodObject pod, List<Violation> out) {
        List<String> names;
        try {
            names = PodContract.modelNames(pod.modelsAnnotation());
        } catch (IllegalArgumentException e) {
            out.add(Violation.deny(PodRule.MODELS_ANNOTATION, PodContract.ANNOTATION_MODELS, pod.describe() + ": "
                    + e.getMessage() + " (rule " + PodRule.MODELS_ANNOTATION.id() + ")"));
            return Optional.empty();
        }
        Instant now = clock.get();
        List<TrustedModel> models = new ArrayList<>();
        Map<String, ModelSource> sources = new HashMap<>();
        boolean complete = true;
        for (String name : names) {
            Optional<TrustedModel> tm = snapshot.trustedModel(pod.namespace(), name);
            if (tm.isEmpty()) {
                complete = false;
                out.add(Violation.deny(PodRule.UNKNOWN_MODEL, name, pod.describe() + ": model " + name
                        + " is not a TrustedModel in namespace " + pod.namespace() + " (rule "
                        + PodRule.UNKNOWN_MODEL.id() + "); approve it with `modelgate approve` and apply the "
                        + "TrustedModel, or remove it from " + PodContract.ANNOTATION_MODELS));
                continue;
            }
            models.add(tm.get());
            String sourceName = tm.get().getSpec() == null ? null : tm.get().getSpec().getSource();
            ModelSource source = sourceName == null ? null : snapshot.modelSource(sourceName).orElse(null);
            if (source != null) {
                sources.put(sourceName, source);
            } else {
                complete = false;
            }
            ModelVerdict v = verdicts.model(tm.get(), source, now);
            if (v.revoked()) {
                out.add(Violation.deny(PodRule.MODEL_REVOKED, name, pod.describe() + ": model " + name
                        + " is revoked (rule " + PodRule.MODEL_REVOKED.id() + "): " + v.message()
                        + "; remove it from " + PodContract.ANNOTATION_MODELS + " or approve a replacement"));
            } else if (!v.sourceTrusted()) {
                out.add(Violation.deny(PodRule.SOURCE_NOT_TRUSTED, name, pod.describe() + ": model " + name
                        + " comes from a source that is not trusted (rule " + PodRule.SOURCE_NOT_TRUSTED.id()
                        + "): " + sourceMessage(v)));
            } else if (!v.ready()) {
                out.add(Violation.deny(PodRule.MODEL_NOT_READY, name, pod.describe() + ": model " + name
                        + " is not Ready (rule " + PodRule.MODEL_NOT_READY.id() + ", reason " + v.reason() + "): "
                        + v.message()));
            }
            if (v.reviewDue() && !v.revoked()) {
                String why = v.conditions().stream().filter(c -> "ReviewDue".equals(c.getType())).findFirst()
                        .map(c -> c.getMessage()).orElse("the review is overdue");
                String msg = pod.describe() + ": model " + name + " is overdue for review (rule "
                        + PodRule.REVIEW_OVERDUE.id() + "): " + why;
                out.add(settings.reviewOverdueAction() == ReviewOverdueAction.DENY
                        ? Violation.deny(PodRule.REVIEW_OVERDUE, name, msg)
                        : Violation.warn(PodRule.REVIEW_OVERDUE, name, msg));
            }
        }
        if (!complete) {
            return Optional.empty();
        }
        try {
            PlanSettings ps = new PlanSettings(pod.modelVolume(), PodContract.VOLUME_MOUNT_PATH, settings.strict(),
                    settings.ignoreGlobs(), settings.defaultScanPolicy());
            return Optional.of(sealedPlan(models, sources, ps));
        } catch (IllegalArgumentException e) {
            // Usually already reported as not Ready; a conflict between two models shows only here.
            if (out.stream().noneMatch(v -> !v.warning())) {
                out.add(Violation.deny(PodRule.PLAN_INVALID, pod.modelsAnnotation(), pod.describe()
                        + ": no verification plan can be built for models " + pod.modelsAnnotation() + " (rule "
                        + PodRule.PLAN_INVALID.id() + "): " + e.getMessage() + "; fix the TrustedModels"));
            }
            return Optional.empty();
        }
    }

    /** The plan of these exact object versions, built once; objects not stored by an API server are not cached. */
    private SealedPlan sealedPlan(List<TrustedModel> models, Map<String, ModelSource> sources, PlanSettings ps) {
        List<String> versions = new ArrayList<>();
        boolean stored = true;
        for (TrustedModel tm : models) {
            String v = VerdictCache.version(tm);
            stored &= v != null;
            versions.add(tm.getMetadata().getNamespace() + "/" + tm.getMetadata().getName() + " " + v);
        }
        for (Map.Entry<String, ModelSource> e : new java.util.TreeMap<>(sources).entrySet()) {
            String v = VerdictCache.version(e.getValue());
            stored &= v != null;
            versions.add(e.getKey() + " " + v);
        }
        if (!stored) {
            return SealedPlan.of(PlanBuilder.build(models, sources, ps));
        }
        PlanKey key = new PlanKey(versions, ps);
        SealedPlan cached = plans.get(key);
        if (cached != null) {
            return cached;
        }
        SealedPlan built = SealedPlan.of(PlanBuilder.build(models, sources, ps));
        if (plans.size() >= MAX_PLANS) {
            plans.clear();
        }
        plans.put(key, built);
        return built;
    }

    private static String sourceMessage(ModelVerdict v) {
        return v.conditions().stream().filter(c -> "SourceTrusted".equals(c.getType())).findFirst()
                .map(c -> c.getMessage()).orElse(v.message());
    }

    /** The injected verifier: present, last, the configured image, exactly the current plan, nothing else. */
    private List<Violation> verifier(PodObject pod, SealedPlan plan) {
        String subject = pod.modelsAnnotation();
        JsonNode inits = pod.specNode().path("initContainers");
        String redo = "; delete the pod so that the mutating webhook injects the verifier again, and check that "
                + "nothing else edits it";
        int found = -1;
        int count = 0;
        for (int i = 0; i < inits.size(); i++) {
            if (isVerifier(inits.get(i))) {
                found = i;
                count++;
            }
        }
        if (found < 0) {
            return List.of(Violation.deny(PodRule.VERIFIER_MISSING, subject, pod.describe() + " declares models "
                    + subject + " but has no " + PodContract.INIT_CONTAINER_NAME + " init-container (rule "
                    + PodRule.VERIFIER_MISSING.id() + "); make sure the ModelGate mutating webhook is installed "
                    + "and selects namespace " + pod.namespace()));
        }
        if (count > 1 || found != inits.size() - 1) {
            return List.of(Violation.deny(PodRule.VERIFIER_NOT_LAST, subject, pod.describe() + ": the "
                    + PodContract.INIT_CONTAINER_NAME + " init-container for models " + subject
                    + " is not the single last init-container (rule " + PodRule.VERIFIER_NOT_LAST.id()
                    + "), so another init-container could change the files after verification" + redo));
        }
        JsonNode actual = inits.get(found);
        ObjectNode expected = VerifierContainer.expected(plan.json(), settings.verifierImage(), pod.modelVolume());
        List<Violation> out = new ArrayList<>();
        if (!settings.verifierImage().equals(actual.path("image").asText())) {
            out.add(Violation.deny(PodRule.VERIFIER_IMAGE, subject, pod.describe() + ": the "
                    + PodContract.INIT_CONTAINER_NAME + " init-container runs image '" + actual.path("image").asText()
                    + "' instead of the configured '" + settings.verifierImage() + "' (rule "
                    + PodRule.VERIFIER_IMAGE.id() + ")" + redo));
        }
        String sha = pod.annotations().get(PodContract.ANNOTATION_PLAN_SHA256);
        if (!plan.json().equals(VerifierContainer.planOf(actual)) || !plan.sha256().equals(sha)) {
            out.add(Violation.deny(PodRule.PLAN_MISMATCH, subject, pod.describe() + ": the verification plan "
                    + "embedded for models " + subject + " is not the plan the current TrustedModels and "
                    + "ModelSources produce (sha256 " + plan.sha256() + ") (rule " + PodRule.PLAN_MISMATCH.id()
                    + ")" + redo));
        }
        if (out.isEmpty() && !VerifierContainer.matches(actual, expected)) {
            out.add(Violation.deny(PodRule.VERIFIER_ALTERED, subject, pod.describe() + ": the "
                    + PodContract.INIT_CONTAINER_NAME + " init-container for models " + subject
                    + " differs from the one ModelGate injects (command, arguments, env, mounts or security "
                    + "context) (rule " + PodRule.VERIFIER_ALTERED.id() + ")" + redo));
        }
        return out;
    }

    /** Writable mounts of the model volume or of a model store, and model stores mounted without declaring models. */
    private List<Violation> mounts(PodObject pod, boolean declares) {
        List<Violation> out = new ArrayList<>();
        PodSpec spec = pod.spec();
        String modelVolume = declares ? pod.modelVolume() : null;
        Map<String, String> guarded = new LinkedHashMap<>(); // volume -> why it is guarded
        if (modelVolume != null) {
            guarded.put(modelVolume, "the model volume");
        }
        for (Volume v : spec.getVolumes() == null ? List.<Volume>of() : spec.getVolumes()) {
            if (v.getPersistentVolumeClaim() == null || v.getPersistentVolumeClaim().getClaimName() == null) {
                continue;
            }
            String claim = v.getPersistentVolumeClaim().getClaimName();
            boolean store = snapshot.claimLabels(pod.namespace(), claim)
                    .map(l -> "true".equals(l.get(PodContract.LABEL_MODEL_STORE))).orElse(false);
            if (!store) {
                continue;
            }
            if (!declares) {
                out.add(Violation.deny(PodRule.UNDECLARED_MODEL_STORE, claim, pod.describe() + " mounts model store "
                        + "PersistentVolumeClaim " + claim + " (volume '" + v.getName() + "') without declaring "
                        + "its models (rule " + PodRule.UNDECLARED_MODEL_STORE.id() + "); list them in "
                        + PodContract.ANNOTATION_MODELS + " and name the volume in " + PodContract.ANNOTATION_VOLUME));
            } else if (Boolean.TRUE.equals(v.getPersistentVolumeClaim().getReadOnly())) {
                continue; // the claim itself is attached read-only: no mount can write
            } else {
                guarded.putIfAbsent(v.getName(), "model store PersistentVolumeClaim " + claim);
            }
        }
        if (guarded.isEmpty()) {
            return out;
        }
        int lastInit = spec.getInitContainers() == null ? -1 : spec.getInitContainers().size() - 1;
        List<Container> inits = spec.getInitContainers() == null ? List.of() : spec.getInitContainers();
        for (int i = 0; i < inits.size(); i++) {
            boolean theVerifier = i == lastInit && PodContract.INIT_CONTAINER_NAME.equals(inits.get(i).getName())
                    && Objects.equals(modelVolume, firstMountedVolume(inits.get(i)));
            if (!theVerifier) {
                writable(pod, "init-container", inits.get(i).getName(), inits.get(i).getVolumeMounts(), guarded, out);
            }
        }
        for (Container c : spec.getContainers() == null ? List.<Container>of() : spec.getContainers()) {
            writable(pod, "container", c.getName(), c.getVolumeMounts(), guarded, out);
        }
        for (EphemeralContainer c : spec.getEphemeralContainers() == null ? List.<EphemeralContainer>of()
                : spec.getEphemeralContainers()) {
            writable(pod, "ephemeral container", c.getName(), c.getVolumeMounts(), guarded, out);
        }
        return out;
    }

    private static String firstMountedVolume(Container c) {
        return c.getVolumeMounts() == null || c.getVolumeMounts().isEmpty() ? null
                : c.getVolumeMounts().get(0).getName();
    }

    private static void writable(PodObject pod, String what, String name, List<VolumeMount> mounts,
            Map<String, String> guarded, List<Violation> out) {
        if (mounts == null) {
            return;
        }
        for (VolumeMount m : mounts) {
            String why = guarded.get(m.getName());
            if (why != null && !Boolean.TRUE.equals(m.getReadOnly())) {
                out.add(Violation.deny(PodRule.WRITABLE_MODEL_MOUNT, m.getName(), pod.describe() + ": " + what + " "
                        + name + " mounts " + why + " ('" + m.getName() + "' at " + m.getMountPath()
                        + ") writable (rule " + PodRule.WRITABLE_MODEL_MOUNT.id() + "); set readOnly: true on "
                        + "that volumeMount, only the verifier may write model files"));
            }
        }
    }

    // -------------------------------------------------------------------------------------------------- guards

    /** Removing the models annotation from a running workload is a decision too: refused unless allowed. */
    private Optional<Violation> annotationGuard(AdmissionInput in, PodObject pod) {
        if (in.oldObject() == null || !in.oldObject().isObject()) {
            return Optional.empty();
        }
        PodObject old = new PodObject(pod.kind(), in.namespace(), in.oldObject());
        if (old.modelsAnnotation() == null || pod.modelsAnnotation() != null || guardAllowed(in)) {
            return Optional.empty();
        }
        return Optional.of(Violation.deny(PodRule.MODELS_ANNOTATION_REMOVED, old.modelsAnnotation(), pod.describe()
                + ": removing annotation " + PodContract.ANNOTATION_MODELS + " (models " + old.modelsAnnotation()
                + ") is refused for user " + in.username() + " (rule " + PodRule.MODELS_ANNOTATION_REMOVED.id()
                + "); keep the annotation, or ask an administrator listed in "
                + "modelgate.admission.guard-allowed-users or -groups to make the change"));
    }

    /** Opting a namespace out (or into a weaker mode) is refused unless the requester is allowed. */
    private AdmissionDecision namespaceGuard(AdmissionInput in) {
        String name = in.object() == null ? in.namespace() : in.object().at("/metadata/name").asText(null);
        String subject = "Namespace " + name;
        if (!"UPDATE".equals(in.operation()) || in.oldObject() == null || in.object() == null) {
            return AdmissionDecision.skip(subject, "only label changes of a namespace are judged");
        }
        EnforcementMode before = declaredMode(in.oldObject().at("/metadata/labels"));
        EnforcementMode after = declaredMode(in.object().at("/metadata/labels"));
        boolean weaker = before != null && (after == null || after.ordinal() > before.ordinal());
        if (!weaker || guardAllowed(in) || settings.exemptNamespaces().contains(name)) {
            return AdmissionDecision.skip(subject, "the change does not weaken enforcement or is allowed");
        }
        String change = after == null ? "removing label " + PodContract.LABEL_ENFORCE + "=true"
                : "changing label " + PodContract.LABEL_MODE + " from " + before.label() + " to " + after.label();
        return AdmissionDecision.refuse(subject, Violation.deny(PodRule.NAMESPACE_GUARD, name, subject + ": "
                + change + " is refused for user " + in.username() + " (rule " + PodRule.NAMESPACE_GUARD.id()
                + "); ask an administrator listed in modelgate.admission.guard-allowed-users or -groups to make "
                + "the change"));
    }

    private EnforcementMode declaredMode(JsonNode labels) {
        if (!"true".equals(labels.path(PodContract.LABEL_ENFORCE).asText(null))) {
            return null;
        }
        String mode = labels.path(PodContract.LABEL_MODE).asText(null);
        if (mode == null) {
            return settings.defaultMode();
        }
        try {
            return EnforcementMode.parse(mode);
        } catch (IllegalArgumentException e) {
            return EnforcementMode.ENFORCE;
        }
    }

    private boolean guardAllowed(AdmissionInput in) {
        return (in.username() != null && settings.guardUsers().contains(in.username()))
                || in.groups().stream().anyMatch(settings.guardGroups()::contains);
    }

    // ---------------------------------------------------------------------------------------------------- scope

    /**
     * The namespace's mode, or null when it is not judged (exempt, or a Namespace object without the enforce
     * label). A namespace with no known Namespace object counts as enforced: the webhook is only called for
     * opted-in namespaces, and {@code modelgate check} treats manifests as bound for an enforced one.
     */
    EnforcementMode scope(String namespace, List<String> warnings) {
        if (namespace == null || namespace.isEmpty() || settings.exemptNamespaces().contains(namespace)) {
            return null;
        }
        Optional<Map<String, String>> labels = snapshot.namespaceLabels(namespace);
        if (labels.isEmpty()) {
            return settings.defaultMode();
        }
        if (!"true".equals(labels.get().get(PodContract.LABEL_ENFORCE))) {
            return null;
        }
        String mode = labels.get().get(PodContract.LABEL_MODE);
        if (mode == null) {
            return settings.defaultMode();
        }
        try {
            return EnforcementMode.parse(mode);
        } catch (IllegalArgumentException e) {
            warnings.add("Namespace " + namespace + ": label " + PodContract.LABEL_MODE + " '" + mode
                    + "' is not one of enforce, warn, audit, so enforce applies; fix the label");
            return EnforcementMode.ENFORCE;
        }
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static boolean isVerifier(JsonNode container) {
        return PodContract.INIT_CONTAINER_NAME.equals(container.path("name").asText());
    }

    private static boolean hasVolume(JsonNode spec, String volume) {
        for (JsonNode v : spec.path("volumes")) {
            if (volume.equals(v.path("name").asText())) {
                return true;
            }
        }
        return false;
    }

    private static ObjectNode op(String op, String path, JsonNode value) {
        ObjectNode o = F.objectNode().put("op", op).put("path", path);
        if (value != null) {
            o.set("value", value);
        }
        return o;
    }

    /** RFC 6901: '~' and '/' in a JSON pointer segment. */
    static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
