package dev.modelgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.policy.AdmissionDecision;
import dev.modelgate.policy.AdmissionInput;
import dev.modelgate.policy.EnforcementMode;
import dev.modelgate.policy.ManifestSnapshot;
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
        description = {"Judge pod and workload manifests (helm template or kustomize build output, several documents "
                + "per file) as the ModelGate admission webhooks would: pods are mutated first (verifier injected, "
                + "model mounts read-only), then validated; Deployment, StatefulSet, DaemonSet, ReplicaSet, Job and "
                + "CronJob templates are validated except for the verifier, which pods get at creation.",
                "Readiness of each TrustedModel is judged from its spec and its ModelSource, as the operator does; "
                        + "statuses in the input are ignored. A namespace with no Namespace object in the input counts "
                        + "as enforced."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  nothing is denied (warnings allowed)",
                "  1  at least one object is denied",
                "  2  bad input: unreadable YAML, a resource that does not parse, no object to judge"})
final class CheckCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "MANIFEST", description = "YAML files or folders (*.yaml, *.yml).")
    List<Path> manifests;

    @Option(names = "--policy", paramLabel = "DIR", required = true,
            description = "Folder (or file) with ModelSource and TrustedModel YAML, and optionally Namespaces and "
                    + "PersistentVolumeClaims; may be given several times.")
    List<Path> policy;

    @Option(names = "--namespace", paramLabel = "NS", defaultValue = "default",
            description = "Namespace of objects that name none, as `kubectl apply -n` would (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--json", description = "One JSON line per judged object, then a summary line.")
    boolean json;

    @Option(names = "--print-mutated", description = "Print every input object as YAML to stdout, pods as the "
            + "mutating webhook would change them; decisions then go to stderr.")
    boolean printMutated;

    @Option(names = "--verifier-image", paramLabel = "IMAGE", defaultValue = PolicySettings.DEFAULT_VERIFIER_IMAGE,
            description = "Image of the injected verifier, as configured in the cluster (default: ${DEFAULT-VALUE}).")
    String verifierImage;

    @Option(names = "--default-mode", paramLabel = "MODE", defaultValue = "enforce",
            description = "Mode of opted-in namespaces without a mode label: enforce, warn or audit (default: ${DEFAULT-VALUE}).")
    String defaultMode;

    @Option(names = "--review-overdue", paramLabel = "ACTION", defaultValue = "warn",
            description = "What an overdue review does: warn or deny (default: ${DEFAULT-VALUE}).")
    String reviewOverdue;

    @Option(names = "--exempt-namespace", paramLabel = "NS",
            description = "Namespaces never judged besides kube-system; may be given several times.")
    List<String> exempt = new ArrayList<>();

    @Option(names = "--at", paramLabel = "INSTANT",
            description = "Judge reviews and key validity at this time (RFC 3339, e.g. 2026-12-01T00:00:00Z) instead of now.")
    String at;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private record Judged(Path file, JsonNode object, AdmissionDecision decision) {
    }

    @Override
    public Integer call() {
        PolicySettings settings = settings();
        Instant now = instant();
        ManifestSnapshot snapshot = new ManifestSnapshot();
        for (Path p : policy) {
            for (Path f : yamlFiles(p)) {
                List<JsonNode> list = ResourceYaml.readDocuments(f);
                for (int i = 0; i < list.size(); i++) {
                    addPolicy(snapshot, f + (list.size() > 1 ? " (document " + (i + 1) + ")" : ""), list.get(i));
                }
            }
        }
        // Manifests may carry their own Namespaces, claims and models (helm charts often do): read them all first.
        Map<Path, List<JsonNode>> docs = new LinkedHashMap<>();
        for (Path p : manifests) {
            for (Path f : yamlFiles(p)) {
                List<JsonNode> list = ResourceYaml.readDocuments(f);
                docs.put(f, list);
                for (int i = 0; i < list.size(); i++) {
                    addPolicy(snapshot, f + (list.size() > 1 ? " (document " + (i + 1) + ")" : ""), list.get(i));
                }
            }
        }
        PodPolicy decide = new PodPolicy(settings, snapshot, () -> now);
        List<Judged> judged = new ArrayList<>();
        List<JsonNode> output = new ArrayList<>();
        for (Map.Entry<Path, List<JsonNode>> e : docs.entrySet()) {
            for (JsonNode doc : e.getValue()) {
                JsonNode result = doc;
                Optional<WorkloadKind> kind = WorkloadKind.ofApiVersion(doc.path("apiVersion").asText(null),
                        doc.path("kind").asText(null));
                if (kind.isPresent() && doc.isObject()) {
                    ObjectNode object = ((ObjectNode) doc).deepCopy();
                    if (object.at("/metadata/namespace").asText("").isEmpty()) {
                        ((ObjectNode) object.with("metadata")).put("namespace", namespace);
                    }
                    AdmissionInput in = AdmissionInput.create(kind.get().group(), kind.get().kind(),
                            object.at("/metadata/namespace").asText(), object);
                    // As the API server does: mutating admission first, then validation of the result.
                    ArrayNode patch = decide.mutate(in);
                    JsonNode mutated = patch.isEmpty() ? object : JsonPatch.apply(patch, object);
                    AdmissionDecision d = decide.validate(AdmissionInput.create(kind.get().group(), kind.get().kind(),
                            object.at("/metadata/namespace").asText(), mutated));
                    judged.add(new Judged(e.getKey(), mutated, d));
                    result = mutated;
                }
                output.add(result);
            }
        }
        if (judged.isEmpty()) {
            throw new BadInputException("no Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob in "
                    + manifests + "; give the manifests to check");
        }
        boolean denied = judged.stream().anyMatch(j -> !j.decision().allowed());
        int code = denied ? 1 : 0;
        PrintWriter report = printMutated ? spec.commandLine().getErr() : spec.commandLine().getOut();
        if (printMutated) {
            PrintWriter out = spec.commandLine().getOut();
            for (JsonNode n : output) {
                out.print("---\n" + ResourceYaml.write(n));
            }
            out.flush();
        }
        int allow = 0;
        int warn = 0;
        int deny = 0;
        for (Judged j : judged) {
            AdmissionDecision d = j.decision();
            switch (d.verdict()) {
                case "deny" -> deny++;
                case "warn" -> warn++;
                default -> allow++;
            }
            if (json) {
                report.println(Json.line(jsonLine(j)));
            } else {
                printHuman(report, j);
            }
        }
        if (json) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("event", "summary");
            s.put("objects", judged.size());
            s.put("allow", allow);
            s.put("warn", warn);
            s.put("deny", deny);
            s.put("exitCode", code);
            report.println(Json.line(s));
        } else {
            report.println(judged.size() + " object(s): " + allow + " allowed, " + warn + " with warnings, " + deny
                    + " denied -> exit " + code);
        }
        report.flush();
        return code;
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
        try {
            snapshot.add(doc);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(where + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> jsonLine(Judged j) {
        AdmissionDecision d = j.decision();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "check");
        line.put("file", j.file().toString());
        line.put("object", d.subject());
        line.put("decision", d.verdict());
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
        return line;
    }

    private static void printHuman(PrintWriter out, Judged j) {
        AdmissionDecision d = j.decision();
        String verdict = String.format("%-5s", d.verdict());
        if (!d.allowed()) {
            out.println(verdict + " " + d.message());
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
    }

    private PolicySettings settings() {
        Set<String> exemptNs = new HashSet<>(exempt);
        exemptNs.add("kube-system");
        try {
            return new PolicySettings(verifierImage, EnforcementMode.parse(defaultMode), exemptNs,
                    ReviewOverdueAction.parse(reviewOverdue), ScanPolicy.ENFORCE, true, List.of(), Set.of(), Set.of());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
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
