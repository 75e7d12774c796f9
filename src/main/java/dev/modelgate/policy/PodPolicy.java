package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The admission decision as a pure function of (request, cluster snapshot, settings, time): the mutating step
 * ({@link #mutate}) and the validating step ({@link #validate}). The webhooks and {@code modelgate check} call
 * exactly this code, so a manifest that passes the check passes the cluster.
 *
 * <p>This class only orders the steps; the rules live in families, their ids and sentences in {@link PodRule}:
 * {@link ModelRules} (the declared models and the plan), {@link VerifierRules} (the injected verifier),
 * {@link BindingRules} (volumes and mounts), {@link PrivilegeRules} (process sharing, privilege escapes),
 * {@link UpdateRules} (what a pod update may not change) and {@link Guards} (changes that switch protection off).
 */
public final class PodPolicy {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final PolicySettings settings;
    private final PolicySnapshot snapshot;
    private final ModelRules models;
    private final Guards guards;

    public PodPolicy(PolicySettings settings, PolicySnapshot snapshot, Supplier<Instant> clock) {
        this(settings, snapshot, clock, new VerdictCache());
    }

    /** With a verdict cache shared with the operator, which judges the same objects. */
    public PodPolicy(PolicySettings settings, PolicySnapshot snapshot, Supplier<Instant> clock,
            VerdictCache verdicts) {
        this.settings = Objects.requireNonNull(settings);
        this.snapshot = Objects.requireNonNull(snapshot);
        this.models = new ModelRules(settings, snapshot, Objects.requireNonNull(clock), Objects.requireNonNull(verdicts));
        this.guards = new Guards(settings);
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
        Optional<WorkloadKind> kind = WorkloadKind.of(in.group(), in.kind());
        if (kind.isEmpty() || !kind.get().isPod() || !"CREATE".equals(in.operation()) || in.subResource() != null
                || in.object() == null || !in.object().isObject()) {
            return F.arrayNode();
        }
        return mutation(new PodObject(kind.get(), in.namespace(), in.object()));
    }

    /**
     * The mutation of a pod, or of a workload's pod template as its pods will be mutated when they are created
     * (paths point into the template). Validation of templates judges the result, so a template is refused only
     * for what its pods would be refused for.
     */
    private ArrayNode mutation(PodObject pod) {
        ArrayNode ops = F.arrayNode();
        if (scope(pod.namespace(), new ArrayList<>()) == null || pod.modelsAnnotation() == null) {
            return ops;
        }
        String volume = pod.modelVolume();
        JsonNode spec = pod.specNode();
        if (!spec.isObject()) {
            return ops;
        }
        String specPtr = pod.kind().specPointer();
        // 1. Every mount of the model volume outside the verifier becomes read-only.
        for (String list : PodContainers.LISTS) {
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
                        ops.add(op("add", specPtr + "/" + list + "/" + i + "/volumeMounts/" + j + "/readOnly",
                                F.booleanNode(true)));
                    }
                }
            }
        }
        // 2. The verifier and the plan digest, when the plan can be built from the current resources.
        Optional<SealedPlan> plan = models.plan(pod, new ArrayList<>());
        if (plan.isEmpty() || PodContainers.volume(spec, volume).isMissingNode()) {
            return ops;
        }
        ObjectNode expected = VerifierContainer.injected(plan.get().json(), settings.verifierImage(), volume,
                settings.verifierResources());
        String sha = plan.get().sha256();
        String metaPtr = pod.kind().metadataPointer();
        JsonNode annotations = pod.object().at(metaPtr + "/annotations");
        if (!sha.equals(annotations.path(PodContract.ANNOTATION_PLAN_SHA256).asText(null))) {
            ops.add(op("add", metaPtr + "/annotations/" + escape(PodContract.ANNOTATION_PLAN_SHA256),
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
                ops.add(op("remove", specPtr + "/initContainers/" + verifiers.get(k), null));
            }
            if (inits.isArray()) {
                ops.add(op("add", specPtr + "/initContainers/-", expected));
            } else {
                ops.add(op("add", specPtr + "/initContainers", F.arrayNode().add(expected)));
            }
        }
        // The annotation op above needs the annotations object; create it first when the pod has none.
        if (!annotations.isObject() && !ops.isEmpty()) {
            ArrayNode ordered = F.arrayNode();
            ordered.add(op("add", metaPtr + "/annotations", F.objectNode()));
            ordered.addAll(ops);
            return ordered;
        }
        return ops;
    }

    /** A workload's template as its pods will be after mutation; the workload itself when nothing changes. */
    private PodObject asItsPods(PodObject workload) {
        ArrayNode ops = mutation(workload);
        if (ops.isEmpty()) {
            return workload;
        }
        ObjectNode copy = ((ObjectNode) workload.object()).deepCopy();
        Patches.apply(copy, ops);
        return workload.withObject(copy);
    }

    // ---------------------------------------------------------------------------------------------- validation

    /** Judges one request: the pod contract for pods and workload templates, the guards for updates. */
    public AdmissionDecision validate(AdmissionInput in) {
        boolean core = in.group() == null || in.group().isEmpty();
        if (core && "Namespace".equals(in.kind())) {
            return guards.namespace(in);
        }
        if (core && "PersistentVolumeClaim".equals(in.kind())) {
            return guards.modelStore(in, scope(in.namespace(), new ArrayList<>()) != null);
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
            return AdmissionDecision.of(pod.describe(), mode, List.of(PodRule.INVALID_OBJECT.deny(pod.kind().kind(),
                    pod.describe() + " has no pod spec at " + pod.kind().specPointer())), modeWarnings);
        }
        List<Violation> out = new ArrayList<>();
        if ("UPDATE".equals(in.operation())) {
            guards.modelsAnnotation(in, pod).ifPresent(out::add);
            if (!pod.kind().isPod()) {
                out.addAll(contract(asItsPods(pod), false));
            } else {
                out.addAll(podUpdate(in, pod));
            }
        } else if ("CREATE".equals(in.operation())) {
            out.addAll(pod.kind().isPod() ? contract(pod, true) : contract(asItsPods(pod), false));
        }
        return AdmissionDecision.of(pod.describe(), mode, out, modeWarnings);
    }

    /**
     * A pod UPDATE (metadata, images, tolerations, or a new ephemeral container through the
     * {@code ephemeralcontainers} subresource): the model contract may not change, and the binding and privilege
     * rules are judged again, refusing only what the update adds (so that a pod admitted under older rules can
     * still lose a finalizer). The plan is not re-judged against resources that changed since creation.
     */
    private List<Violation> podUpdate(AdmissionInput in, PodObject pod) {
        if (in.oldObject() == null || !in.oldObject().isObject()) {
            return mountsAndPrivileges(pod, pod);
        }
        // The declaration made at creation stays the one judged: changing it is refused below, and removing it
        // is the guard's decision.
        PodObject old = new PodObject(pod.kind(), in.namespace(), in.oldObject());
        List<Violation> out = new ArrayList<>(UpdateRules.fixedAtCreation(old, pod));
        List<Violation> now = mountsAndPrivileges(pod, old);
        out.addAll(UpdateRules.added(now, old.specNode().isObject() ? mountsAndPrivileges(old, old) : List.of()));
        return out;
    }

    /** Every rule of the pod contract; {@code checkVerifier} only for pods (templates get it at pod creation). */
    List<Violation> contract(PodObject pod, boolean checkVerifier) {
        List<Violation> out = new ArrayList<>();
        try {
            pod.spec();
        } catch (IllegalArgumentException e) {
            out.add(PodRule.INVALID_OBJECT.deny(pod.kind().kind(), e.getMessage()));
            return out;
        }
        out.addAll(mountsAndPrivileges(pod, pod));
        if (pod.modelsAnnotation() == null) {
            return out;
        }
        Optional<SealedPlan> plan = models.plan(pod, out);
        String volume = pod.modelVolume();
        if (PodContainers.volume(pod.specNode(), volume).isMissingNode()) {
            out.add(PodRule.MODEL_VOLUME_MISSING.deny(volume, pod.describe(), pod.modelsAnnotation(), volume));
            return out;
        }
        if (checkVerifier && plan.isPresent()) {
            out.addAll(VerifierRules.check(pod, plan.get(), settings.verifierImage()));
        }
        return out;
    }

    /**
     * The binding and privilege rules, which read only the pod itself and the claims' labels, for the models
     * {@code declaring} declares (the pod itself, or for an update the pod as it was created).
     */
    private List<Violation> mountsAndPrivileges(PodObject pod, PodObject declaring) {
        List<Violation> out = new ArrayList<>(0);
        JsonNode spec = pod.specNode();
        String models = declaring.modelsAnnotation();
        String volume = models == null ? null : declaring.modelVolume();
        int verifier = PodContainers.verifierIndex(spec, volume);
        List<PodContainers.Ref> containers = PodContainers.all(spec);
        BindingRules.check(pod, spec, containers, volume, verifier, snapshot, settings, out);
        PrivilegeRules.check(pod, spec, containers, models, volume, verifier, out);
        return out;
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
