package dev.modelgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.policy.AdmissionDecision;
import dev.modelgate.policy.AdmissionInput;
import dev.modelgate.policy.EnforcementMode;
import dev.modelgate.policy.ManifestSnapshot;
import dev.modelgate.policy.PodContract;
import dev.modelgate.policy.PodPolicy;
import dev.modelgate.policy.PolicySettings;
import dev.modelgate.policy.ReviewOverdueAction;
import dev.modelgate.policy.Violation;
import dev.modelgate.policy.WorkloadKind;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelgate check}: the admission webhooks, offline, for GitOps pipelines. Reads ModelSources,
 * TrustedModels, Namespaces and PersistentVolumeClaims from {@code --policy} folders and from the manifests
 * themselves, then judges every Pod and workload template exactly as the cluster would: the mutating step first,
 * then the validating step, with the same code and the same messages.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Judge pod and workload manifests (helm template or kustomize build output, kubectl get -o yaml "
                + "lists, several documents per file, '-' for stdin) as the ModelGate admission webhooks would: pods "
                + "are mutated first (verifier injected, model mounts read-only), then validated; Deployment, "
                + "StatefulSet, DaemonSet, ReplicaSet, Job and CronJob templates are validated except for the verifier, "
                + "which pods get at creation.",
                "Every object gets one line: allow, warn, deny; skip for objects that run pods check cannot judge "
                        + "(Argo Rollout, ReplicationController, PodTemplate, KServe InferenceService, any custom "
                        + "resource carrying a pod template); input for policy objects; none for objects that run no "
                        + "pods. Settings come from the chart: --values (Helm values, over the chart's defaults) or "
                        + "--config (the operator's modelgate.* properties).",
                "Readiness of each TrustedModel is judged from its spec and its ModelSource, as the operator does; "
                        + "statuses in the input are ignored. A namespace with no Namespace object in the input counts "
                        + "as enforced."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  nothing is denied (warnings allowed, unless --strict)",
                "  1  at least one object is denied; with --strict also any skip or warning",
                "  2  bad input: unreadable YAML, a resource that does not parse, no object at all"})
final class CheckCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "MANIFEST",
            description = "YAML files or folders (*.yaml, *.yml); '-' reads standard input.")
    List<String> manifests;

    @Option(names = "--policy", paramLabel = "DIR", required = true,
            description = "Folder (or file, or '-') with ModelSource and TrustedModel YAML, and optionally Namespaces "
                    + "and PersistentVolumeClaims (kubectl get pvc -A -o yaml); may be given several times.")
    List<String> policy;

    @Option(names = "--namespace", paramLabel = "NS", defaultValue = "default",
            description = "Namespace of objects that name none, as `kubectl apply -n` would (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--json", description = "One JSON line per object, then a summary line.")
    boolean json;

    @Option(names = "--strict", description = "Exit 1 also when an object is skipped or warned about (a claim not "
            + "in the input, a models annotation on the wrong object, a warning of the webhook).")
    boolean strict;

    @Option(names = "--print-mutated", description = "Print every input object as YAML to stdout, pods as the "
            + "mutating webhook would change them; decisions then go to stderr.")
    boolean printMutated;

    @Option(names = {"--values", "-f"}, paramLabel = "FILE",
            description = "The Helm values file the cluster's ModelGate was installed with (chart keys: verifier.*, "
                    + "admission.*, image.*); unset keys take the chart's defaults, as helm install does.")
    Path values;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Instead of --values: a properties file with the operator's modelgate.* keys.")
    Path config;

    @Option(names = "--release-namespace", paramLabel = "NS", defaultValue = "modelgate-system",
            description = "Namespace ModelGate runs in (always exempt; default: ${DEFAULT-VALUE}).")
    String releaseNamespace;

    @Option(names = "--verifier-image", paramLabel = "IMAGE",
            description = "Overrides the image of the injected verifier from the settings.")
    String verifierImage;

    @Option(names = "--default-mode", paramLabel = "MODE",
            description = "Overrides admission.defaultMode: enforce, warn or audit.")
    String defaultMode;

    @Option(names = "--review-overdue", paramLabel = "ACTION",
            description = "Overrides admission.reviewOverdueAction: warn or deny.")
    String reviewOverdue;

    @Option(names = "--exempt-namespace", paramLabel = "NS",
            description = "Namespaces never judged, besides the settings' ones; may be given several times.")
    List<String> exempt = new ArrayList<>();

    @Option(names = "--old", paramLabel = "OLD",
            description = "YAML files or folders (or '-') with the objects as they are now (e.g. `kubectl get -o yaml` "
                    + "output): a manifest object with the same kind, namespace and name is judged as an UPDATE from "
                    + "it, as the webhooks judge pod updates, workload updates and the namespace and model-store label "
                    + "guards; may be given several times.")
    List<String> old = new ArrayList<>();

    @Option(names = "--as", paramLabel = "USER", description = "The user making the updates given with --old, for "
            + "the guards (admission.guardAllowedUsers).")
    String asUser;

    @Option(names = "--as-group", paramLabel = "GROUP", description = "A group of that user (for "
            + "admission.guardAllowedGroups); may be given several times.")
    List<String> asGroups = new ArrayList<>();

    @Option(names = "--guard-allowed-user", paramLabel = "USER", description = "Added to admission.guardAllowedUsers "
            + "of the settings; may be given several times.")
    List<String> guardUsers = new ArrayList<>();

    @Option(names = "--guard-allowed-group", paramLabel = "GROUP", description = "Added to "
            + "admission.guardAllowedGroups of the settings; may be given several times.")
    List<String> guardGroups = new ArrayList<>();

    @Option(names = "--at", paramLabel = "INSTANT",
            description = "Judge reviews and key validity at this time (RFC 3339, e.g. 2026-12-01T00:00:00Z) instead of now.")
    String at;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Standard input, replaceable in tests. */
    static java.util.function.Supplier<java.io.InputStream> stdin = () -> System.in;

    /** One object of the input and where it came from. */
    private record Doc(String where, JsonNode node) {
    }

    /** What check says about one object. */
    private record Line(Doc doc, String subject, String verdict, AdmissionDecision decision, String reason,
            List<String> hints) {
    }

    @Override
    public Integer call() {
        PolicySettings settings = settings();
        Instant now = instant();
        ManifestSnapshot snapshot = new ManifestSnapshot();
        for (String p : policy) {
            for (Doc d : read(p)) {
                addPolicy(snapshot, d.where(), d.node());
            }
        }
        // Manifests may carry their own Namespaces, claims and models (helm charts often do): read them all first.
        List<Doc> docs = new ArrayList<>();
        for (String p : manifests) {
            for (Doc d : read(p)) {
                docs.add(d);
                addPolicy(snapshot, d.where(), d.node());
            }
        }
        Map<String, JsonNode> before = new LinkedHashMap<>();
        for (String p : old) {
            for (Doc d : read(p)) {
                before.put(identity(d.node(), namespace), d.node());
            }
        }
        PodPolicy decide = new PodPolicy(settings, snapshot, () -> now);
        List<Line> lines = new ArrayList<>();
        List<JsonNode> output = new ArrayList<>();
        for (Doc doc : docs) {
            JsonNode node = doc.node();
            Optional<WorkloadKind> kind = WorkloadKind.ofApiVersion(node.path("apiVersion").asText(null),
                    node.path("kind").asText(null));
            if (kind.isPresent()) {
                // What the API server refuses before admission is refused here, not judged on fields it would drop.
                Optional<String> invalid = KubernetesObjects.problem(node);
                if (invalid.isPresent()) {
                    lines.add(new Line(doc, subject(node), "deny", null, "invalid: " + invalid.get(), List.of()));
                    output.add(node);
                    continue;
                }
            }
            JsonNode previous = node.isObject() ? before.get(identity(node, namespace)) : null;
            if (previous != null && (kind.isPresent() || GUARDED.contains(node.path("kind").asText()))) {
                // An update, as the validating webhook sees it (the mutating webhook sees pod CREATE only).
                String group = kind.map(WorkloadKind::group).orElse("");
                String ns = node.path("kind").asText().equals("Namespace") ? null
                        : identity(node, namespace).split("/", -1)[2];
                AdmissionDecision d = decide.validate(AdmissionInput.update(group, node.path("kind").asText(), ns,
                        withNamespace(node, ns), withNamespace(previous, ns), asUser, asGroups));
                lines.add(new Line(doc, d.subject(), d.verdict(), d, null, List.of()));
                output.add(node);
                continue;
            }
            if (kind.isPresent()) {
                ObjectNode object = ((ObjectNode) node).deepCopy();
                if (object.at("/metadata/namespace").asText("").isEmpty()) {
                    ((ObjectNode) object.with("metadata")).put("namespace", namespace);
                }
                String ns = object.at("/metadata/namespace").asText();
                AdmissionInput in = AdmissionInput.create(kind.get().group(), kind.get().kind(), ns, object);
                // As the API server does: mutating admission first, then validation of the result.
                ArrayNode patch = decide.mutate(in);
                JsonNode mutated = patch.isEmpty() ? object : JsonPatch.apply(patch, object);
                AdmissionDecision d = decide.validate(AdmissionInput.create(kind.get().group(), kind.get().kind(),
                        ns, mutated));
                List<String> hints = d.skipped() != null ? List.of() : hints(kind.get(), object, ns, snapshot);
                String verdict = d.verdict();
                if ("allow".equals(verdict) && !hints.isEmpty()) {
                    verdict = "warn";
                }
                lines.add(new Line(doc, d.subject(), verdict, d, null, hints));
                output.add(mutated);
                continue;
            }
            output.add(node);
            String subject = subject(node);
            String other = otherVerdict(node);
            lines.add(new Line(doc, subject, other.substring(0, other.indexOf(':')), null,
                    other.substring(other.indexOf(':') + 1), List.of()));
        }
        if (lines.isEmpty()) {
            throw new BadInputException("no object in " + String.join(", ", manifests) + "; give the manifests to check");
        }
        int code = 0;
        for (Line l : lines) {
            if (l.verdict().equals("deny")) {
                code = 1;
            } else if (strict && (l.verdict().equals("skip") || l.verdict().equals("warn"))) {
                code = 1;
            }
        }
        PrintWriter report = printMutated ? spec.commandLine().getErr() : spec.commandLine().getOut();
        if (printMutated) {
            PrintWriter out = spec.commandLine().getOut();
            for (JsonNode n : output) {
                out.print("---\n" + ResourceYaml.write(n));
            }
            out.flush();
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String v : List.of("allow", "warn", "deny", "skip", "input", "none")) {
            counts.put(v, 0);
        }
        for (Line l : lines) {
            counts.merge(l.verdict(), 1, Integer::sum);
            if (json) {
                report.println(Json.line(jsonLine(l)));
            } else {
                printHuman(report, l);
            }
        }
        if (json) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("event", "summary");
            s.put("objects", lines.size());
            s.putAll(counts);
            s.put("strict", strict);
            s.put("exitCode", code);
            report.println(Json.line(s));
        } else {
            report.println(lines.size() + " object(s): " + counts.get("allow") + " allowed, " + counts.get("warn")
                    + " with warnings, " + counts.get("deny") + " denied, " + counts.get("skip") + " skipped"
                    + (strict ? " (strict)" : "") + " -> exit " + code);
        }
        report.flush();
        return code;
    }

    /** Kinds judged only as updates, by the guards. */
    private static final Set<String> GUARDED = Set.of("Namespace", "PersistentVolumeClaim");

    /** "group/kind/namespace/name", the namespace defaulted as for the manifests (none for a Namespace). */
    private static String identity(JsonNode doc, String defaultNamespace) {
        String ns = doc.path("kind").asText().equals("Namespace") ? ""
                : doc.at("/metadata/namespace").asText("").isEmpty() ? defaultNamespace
                : doc.at("/metadata/namespace").asText();
        String apiVersion = doc.path("apiVersion").asText();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return group + "/" + doc.path("kind").asText() + "/" + ns + "/" + doc.at("/metadata/name").asText();
    }

    private static ObjectNode withNamespace(JsonNode doc, String namespace) {
        ObjectNode object = ((ObjectNode) doc).deepCopy();
        if (namespace != null && object.at("/metadata/namespace").asText("").isEmpty()) {
            ((ObjectNode) object.with("metadata")).put("namespace", namespace);
        }
        return object;
    }

    /** Kind namespace/name, as the webhook's messages name objects. */
    private String subject(JsonNode node) {
        String ns = node.at("/metadata/namespace").asText("");
        String name = node.at("/metadata/name").asText("");
        String kind = node.path("kind").asText("object");
        boolean clusterScoped = kind.equals("Namespace") || kind.equals("ModelSource")
                || kind.startsWith("Cluster") || kind.equals("CustomResourceDefinition");
        if (ns.isEmpty() && !clusterScoped) {
            ns = namespace;
        }
        return kind + " " + (ns.isEmpty() ? "" : ns + "/") + name;
    }

    /** "verdict:reason" for an object that is not a Pod or a workload ModelGate judges. */
    private static String otherVerdict(JsonNode node) {
        String apiVersion = node.path("apiVersion").asText("");
        String kind = node.path("kind").asText("");
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        if ((group.equals("modelgate.dev") && (kind.equals("TrustedModel") || kind.equals("ModelSource")))
                || (group.isEmpty() && (kind.equals("Namespace") || kind.equals("PersistentVolumeClaim")))) {
            return "input:read as policy input";
        }
        if (group.equals("serving.kserve.io") && kind.equals("InferenceService")) {
            return "skip:a KServe InferenceService creates its pods through KServe, which ModelGate does not model; "
                    + "the webhook judges those pods when they are created";
        }
        String where = podTemplate(node, "");
        if (where != null) {
            return "skip:" + kind + " (" + apiVersion + ") carries a pod spec at " + where + ", but ModelGate judges "
                    + "only Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs; the webhook "
                    + "judges the pods it creates when they are created";
        }
        return "none:runs no pods";
    }

    /** Where a pod spec (a {@code containers} list of objects with an image) lies in {@code node}, or null. */
    private static String podTemplate(JsonNode node, String path) {
        if (node.isObject()) {
            JsonNode c = node.get("containers");
            if (c != null && c.isArray() && c.size() > 0 && c.get(0).isObject() && c.get(0).has("image")) {
                return path.isEmpty() ? "." : path;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (path.isEmpty() && (e.getKey().equals("metadata") || e.getKey().equals("status"))) {
                    continue;
                }
                String found = podTemplate(e.getValue(), path + "." + e.getKey());
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = podTemplate(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** What the webhook does not say but a pipeline should hear: misplaced annotations, claims not given. */
    private static List<String> hints(WorkloadKind kind, JsonNode object, String ns, ManifestSnapshot snapshot) {
        List<String> hints = new ArrayList<>();
        String subject = kind.kind() + " " + ns + "/" + object.at("/metadata/name").asText("");
        if (!kind.isPod()) {
            for (String a : List.of(PodContract.ANNOTATION_MODELS, PodContract.ANNOTATION_VOLUME)) {
                boolean onObject = object.at("/metadata/annotations").has(a);
                boolean onTemplate = object.at(kind.metadataPointer() + "/annotations").has(a);
                if (onObject && !onTemplate) {
                    hints.add(subject + " carries the annotation " + a + " on its own metadata, where ModelGate does "
                            + "not read it; move it to the pod template (" + kind.metadataPointer().substring(1)
                            .replace('/', '.') + ".annotations)");
                }
            }
        }
        JsonNode volumes = object.at(kind.specPointer() + "/volumes");
        for (JsonNode v : volumes) {
            String claim = v.at("/persistentVolumeClaim/claimName").asText("");
            if (!claim.isEmpty() && snapshot.claimLabels(ns, claim).isEmpty()) {
                hints.add(subject + " mounts PersistentVolumeClaim " + claim + " (volume '" + v.path("name").asText()
                        + "'), which is not in the input, so whether it is a model store could not be judged; give "
                        + "the namespace's claims with --policy (kubectl get pvc -n " + ns + " -o yaml)");
            }
        }
        return hints;
    }

    /** Every object of a file, folder or '-', with kind: List expanded into its items. */
    private List<Doc> read(String arg) {
        List<Doc> out = new ArrayList<>();
        if (arg.equals("-")) {
            addAll(out, "<stdin>", ResourceYaml.readDocuments("<stdin>", stdin.get()));
            return out;
        }
        for (Path f : yamlFiles(Path.of(arg))) {
            addAll(out, f.toString(), ResourceYaml.readDocuments(f));
        }
        return out;
    }

    private static void addAll(List<Doc> out, String file, List<JsonNode> docs) {
        for (int i = 0; i < docs.size(); i++) {
            String where = file + (docs.size() > 1 ? " (document " + (i + 1) + ")" : "");
            JsonNode n = docs.get(i);
            if (!n.isObject()) {
                throw new BadInputException(where + ": is not a Kubernetes object (expected a mapping)");
            }
            if (n.path("kind").asText("").endsWith("List") && n.path("items").isArray()) {
                JsonNode items = n.path("items");
                for (int j = 0; j < items.size(); j++) {
                    if (!items.get(j).isObject()) {
                        throw new BadInputException(where + ": items[" + j + "] is not a Kubernetes object");
                    }
                    out.add(new Doc(where + " items[" + j + "]", items.get(j)));
                }
            } else {
                out.add(new Doc(where, n));
            }
        }
    }

    /** Policy input goes into the snapshot; TrustedModels and ModelSources are first read as the API server would. */
    private static void addPolicy(ManifestSnapshot snapshot, String where, JsonNode doc) {
        String kind = doc.path("kind").asText("");
        if (Resources.API_VERSION.equals(doc.path("apiVersion").asText(""))) {
            if (kind.equals("TrustedModel")) {
                Resources.trustedModel(where, doc);
            } else if (kind.equals("ModelSource")) {
                Resources.modelSource(where, doc);
            }
        }
        if (KubernetesObjects.policyInput(doc)) {
            KubernetesObjects.problem(doc).ifPresent(p -> Resources.fail(where, List.of(p)));
        }
        try {
            snapshot.add(doc);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(where + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> jsonLine(Line l) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "check");
        line.put("file", l.doc().where());
        line.put("object", l.subject());
        line.put("decision", l.verdict());
        AdmissionDecision d = l.decision();
        if (d == null) {
            line.put("reason", l.reason());
            return line;
        }
        line.put("mode", d.mode() == null ? null : d.mode().label());
        line.put("skipped", d.skipped());
        List<Map<String, Object>> violations = new ArrayList<>();
        for (Violation v : d.violations()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", v.rule().id());
            m.put("subject", v.subject());
            m.put("warning", v.warning());
            m.put("message", v.message());
            violations.add(m);
        }
        line.put("violations", violations);
        line.put("warnings", d.warnings());
        line.put("hints", l.hints());
        return line;
    }

    private static void printHuman(PrintWriter out, Line l) {
        String verdict = String.format("%-5s", l.verdict());
        AdmissionDecision d = l.decision();
        if (d == null) {
            out.println(verdict + " " + l.subject() + " (" + l.reason() + ")");
            return;
        }
        if (!d.allowed()) {
            // One violation per line: the webhook's one-sentence message joins them for kubectl.
            if (d.violations().size() > 1) {
                out.println(verdict + " " + l.subject() + ": " + d.violations().size() + " violations");
                d.violations().stream().filter(v -> !v.warning()).forEach(v -> out.println("      " + v.message()));
            } else {
                out.println(verdict + " " + d.message());
            }
        } else if (d.skipped() != null) {
            out.println(verdict + " " + d.subject() + " (not judged: " + d.skipped() + ")");
        } else if (d.warnings().isEmpty() && d.violations().isEmpty()) {
            out.println(verdict + " " + d.subject());
        } else if (d.warnings().isEmpty()) {
            out.println(verdict + " " + d.subject() + " (audit mode: " + d.violations().size()
                    + " violation(s) recorded, not shown to the client)");
            d.violations().forEach(v -> out.println("      " + v.message()));
        } else {
            out.println(verdict + " " + d.subject());
            d.warnings().forEach(w -> out.println("      " + w));
        }
        l.hints().forEach(h -> out.println("      " + h));
    }

    private PolicySettings settings() {
        PolicySettings base = ClusterSettings.of(values, config, releaseNamespace);
        Set<String> exemptNs = new HashSet<>(base.exemptNamespaces());
        exemptNs.addAll(exempt);
        try {
            return new PolicySettings(verifierImage != null ? verifierImage : base.verifierImage(),
                    defaultMode != null ? EnforcementMode.parse(defaultMode) : base.defaultMode(), exemptNs,
                    reviewOverdue != null ? ReviewOverdueAction.parse(reviewOverdue) : base.reviewOverdueAction(),
                    base.defaultScanPolicy(), base.strict(), base.ignoreGlobs(), union(base.guardUsers(), guardUsers),
                    union(base.guardGroups(), guardGroups), base.allowedVolumeTypes(), base.verifierResources());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    private static Set<String> union(Set<String> a, List<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }

    private Instant instant() {
        if (at == null) {
            return Instant.now();
        }
        try {
            return Instant.parse(at);
        } catch (DateTimeParseException e) {
            throw new BadInputException("--at '" + at + "' is not an RFC 3339 instant such as 2026-12-01T00:00:00Z");
        }
    }

    private static List<Path> yamlFiles(Path p) {
        if (!Files.exists(p)) {
            throw new BadInputException(p + ": no such file or folder");
        }
        if (!Files.isDirectory(p)) {
            return List.of(p);
        }
        try (Stream<Path> s = Files.walk(p)) {
            List<Path> out = s.filter(Files::isRegularFile).filter(f -> {
                String n = f.getFileName().toString();
                return n.endsWith(".yaml") || n.endsWith(".yml");
            }).sorted().toList();
            if (out.isEmpty()) {
                throw new BadInputException(p + ": no *.yaml or *.yml file in this folder");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot be listed: " + e.getMessage(), e);
        }
    }
}
