package dev.modelgate.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelgate.api.files.ProjectFiles;
import dev.modelgate.api.files.Yaml;

/**
 * What a user installs ({@code crds/}, {@code manifests/}), applied to a real Kubernetes API server: the one
 * of {@code ../shared/k8s} (v1.24, node-less, on loopback), started once for this class.
 *
 * <p>The mock server accepts any CRD and authorizes everything; the API server estimates CEL rule costs,
 * enforces list-map keys and checks RBAC. 1.24 does not know {@code reason}/{@code fieldPath} in
 * {@code x-kubernetes-validations} (1.28): the CRDs are applied with {@code --validate=false} so kubectl does
 * not refuse them, and the server drops those two fields. The product keeps them.
 *
 * <p>Without {@code ../shared/k8s} every test is skipped with the reason; with {@code CI=true} that is a failure.
 */
class InstallOnApiServerTest {

    static final Path K8S = ProjectFiles.projectDir().resolve("../shared/k8s").normalize();
    static final String NAMESPACE = "modelgate-system";
    static final String ACCOUNT = "system:serviceaccount:" + NAMESPACE + ":modelgate";

    private static ControlPlane plane;

    /** The control plane with crds/ and manifests/ applied (without the webhook configurations' effect). */
    static synchronized ControlPlane plane() throws Exception {
        boolean present = Files.isExecutable(K8S.resolve("control-plane.sh")) && Files.exists(K8S.resolve("kubelite"));
        if (!present && "true".equals(System.getenv("CI"))) {
            fail(K8S + "/control-plane.sh is missing, and CI always has it: the real API server tests cannot run");
        }
        assumeTrue(present, K8S + " is absent: CRDs and RBAC were not tried on a real API server");
        if (plane == null) {
            plane = ControlPlane.start(K8S, Files.createTempDirectory("modelgate-install-"));
            plane.kubectlOk("apply", "--validate=false", "-f", ProjectFiles.crdsDir().toString());
            plane.kubectlOk("wait", "--for=condition=Established", "--timeout=30s", "crd", "--all");
            plane.kubectlOk("create", "namespace", "comfyui");
            // The manifests without their webhook configurations: they name a Service, which this control plane
            // cannot reach, and would refuse writes in opted-in namespaces. Their names are what RBAC needs.
            Path manifests = plane.dir().resolve("manifests-without-webhooks.yaml");
            StringBuilder kept = new StringBuilder();
            for (JsonNode document : Yaml.readAll(ProjectFiles.projectDir().resolve("manifests/modelgate.yaml"))) {
                if (!document.path("kind").asText().endsWith("WebhookConfiguration")) {
                    kept.append("---\n").append(Yaml.MAPPER.writeValueAsString(document));
                }
            }
            Files.writeString(manifests, kept);
            plane.kubectlOk("apply", "--validate=false", "-f", manifests.toString());
        }
        return plane;
    }

    @AfterAll
    static void stopPlane() throws Exception {
        if (plane != null) {
            plane.stop();
            plane = null;
        }
    }

    // ---- CRDs ------------------------------------------------------------------------------------------

    @Test
    void crdsAreAcceptedAndEstablished() throws Exception {
        ControlPlane cp = plane();
        for (String crd : List.of("trustedmodels.modelgate.dev", "modelsources.modelgate.dev", "policyreports.wgpolicyk8s.io")) {
            String established = cp.kubectlOk("get", "crd", crd, "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Established\")].status}");
            assertEquals("True", established.strip(), crd);
        }
        // the list-map keys survived: they are what makes paths unique now
        assertEquals("map", cp.kubectlOk("get", "crd", "trustedmodels.modelgate.dev", "-o",
                "jsonpath={.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.files.x-kubernetes-list-type}")
                .strip());
        // the good examples are accepted as they are
        Path good = ProjectFiles.examplesDir().resolve("comfyui");
        assumeTrue(Files.isDirectory(good), "docs/examples/comfyui is absent");
        for (Path file : ProjectFiles.filesEndingWith(good, ".yaml")) {
            List<JsonNode> documents = Yaml.readAll(file);
            if (documents.stream().allMatch(d -> d.path("apiVersion").asText().startsWith("modelgate.dev/"))) {
                cp.kubectlOk("apply", "--validate=false", "-f", file.toString());
            }
        }
    }

    @Test
    void duplicateKeysAreRefusedByTheServer() throws Exception {
        ControlPlane cp = plane();
        Result paths = cp.kubectl("apply", "--validate=false", "-f",
                ProjectFiles.examplesDir().resolve("invalid/trustedmodel-duplicate-paths.yaml").toString());
        assertTrue(paths.code() != 0 && paths.output().contains("spec.files[2]: Duplicate value"), paths.output());
        Result keys = cp.kubectl("apply", "--validate=false", "-f",
                ProjectFiles.examplesDir().resolve("invalid/modelsource-duplicate-key-names.yaml").toString());
        assertTrue(keys.code() != 0 && keys.output().contains("spec.signing.keys[1]: Duplicate value"), keys.output());
    }

    // ---- RBAC ------------------------------------------------------------------------------------------

    /**
     * Every API call the operator makes, in kubectl auth can-i syntax ("verb resource[/name] [-n ns]
     * [--subresource=s]"; list/watch of a name is a list/watch with a metadata.name field selector):
     * the audit behind charts/modelgate/README.md's RBAC table. A verb missing from the shipped roles fails here
     * as it would fail in a cluster (the Lease patch did: leader election was refused).
     */
    static final List<String> OPERATOR_CALLS = List.of(
            // reconcilers (JOSDK informers) and the webhooks' informer caches
            "list trustedmodels.modelgate.dev", "watch trustedmodels.modelgate.dev", "get trustedmodels.modelgate.dev",
            "list modelsources.modelgate.dev", "watch modelsources.modelgate.dev", "get modelsources.modelgate.dev",
            // status through server-side apply (patch), or update where apply is off
            "patch trustedmodels.modelgate.dev --subresource=status", "update trustedmodels.modelgate.dev --subresource=status",
            "patch modelsources.modelgate.dev --subresource=status", "update modelsources.modelgate.dev --subresource=status",
            "list pods", "watch pods", "list namespaces", "watch namespaces",
            "list persistentvolumeclaims", "watch persistentvolumeclaims",
            "create events -n comfyui",
            "get policyreports.wgpolicyk8s.io -n comfyui", "create policyreports.wgpolicyk8s.io -n comfyui",
            "update policyreports.wgpolicyk8s.io -n comfyui", "delete policyreports.wgpolicyk8s.io -n comfyui",
            "get customresourcedefinitions.apiextensions.k8s.io/policyreports.wgpolicyk8s.io",
            // its own webhook configurations: read, watch (repair when edited), write caBundle/clientConfig
            "get mutatingwebhookconfigurations.admissionregistration.k8s.io/modelgate", "list mutatingwebhookconfigurations.admissionregistration.k8s.io/modelgate",
            "watch mutatingwebhookconfigurations.admissionregistration.k8s.io/modelgate", "update mutatingwebhookconfigurations.admissionregistration.k8s.io/modelgate",
            "patch mutatingwebhookconfigurations.admissionregistration.k8s.io/modelgate",
            "get validatingwebhookconfigurations.admissionregistration.k8s.io/modelgate", "list validatingwebhookconfigurations.admissionregistration.k8s.io/modelgate",
            "watch validatingwebhookconfigurations.admissionregistration.k8s.io/modelgate", "update validatingwebhookconfigurations.admissionregistration.k8s.io/modelgate",
            "patch validatingwebhookconfigurations.admissionregistration.k8s.io/modelgate",
            // the self-signed webhook TLS Secret, watched so a deleted or edited one is repaired
            "create secrets -n " + NAMESPACE, "get secrets/modelgate-webhook-tls -n " + NAMESPACE,
            "list secrets/modelgate-webhook-tls -n " + NAMESPACE, "watch secrets/modelgate-webhook-tls -n " + NAMESPACE,
            "update secrets/modelgate-webhook-tls -n " + NAMESPACE,
            // leader election (fabric8's LeaseLock patches the Lease it holds)
            "get leases.coordination.k8s.io -n " + NAMESPACE, "create leases.coordination.k8s.io -n " + NAMESPACE,
            "update leases.coordination.k8s.io -n " + NAMESPACE, "patch leases.coordination.k8s.io -n " + NAMESPACE);

    /** What the operator never needs; least privilege means these are refused. */
    static final List<String> NOT_GRANTED = List.of(
            "get secrets -n kube-system", "get secrets/other -n " + NAMESPACE,
            // pull Secrets are readable only when named in operator.ociPullSecrets (none by default)
            "get secrets/registry-pull -n " + NAMESPACE, "list secrets -n " + NAMESPACE,
            "delete secrets/modelgate-webhook-tls -n " + NAMESPACE,
            "update trustedmodels.modelgate.dev", "patch trustedmodels.modelgate.dev", "delete trustedmodels.modelgate.dev",
            "create pods -n comfyui", "patch pods -n comfyui", "delete pods -n comfyui",
            "update mutatingwebhookconfigurations.admissionregistration.k8s.io/other", "patch validatingwebhookconfigurations.admissionregistration.k8s.io/other",
            "delete mutatingwebhookconfigurations.admissionregistration.k8s.io/modelgate",
            "create leases.coordination.k8s.io -n kube-system",
            "update customresourcedefinitions.apiextensions.k8s.io", "update namespaces");

    @Test
    void theServiceAccountMayMakeEveryCallTheOperatorMakes() throws Exception {
        ControlPlane cp = plane();
        List<Boolean> allowed = cp.canI(OPERATOR_CALLS);
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < OPERATOR_CALLS.size(); i++) {
            if (!allowed.get(i)) {
                refused.add(OPERATOR_CALLS.get(i));
            }
        }
        assertEquals(List.of(), refused, "the shipped RBAC refuses calls the operator makes (charts/modelgate/templates/rbac.yaml)");
    }

    @Test
    void theServiceAccountMayDoNothingMore() throws Exception {
        ControlPlane cp = plane();
        List<Boolean> allowed = cp.canI(NOT_GRANTED);
        List<String> granted = new ArrayList<>();
        for (int i = 0; i < NOT_GRANTED.size(); i++) {
            if (allowed.get(i)) {
                granted.add(NOT_GRANTED.get(i));
            }
        }
        assertEquals(List.of(), granted, "the shipped RBAC grants more than the operator needs");
    }

    // ---- the control plane -----------------------------------------------------------------------------

    record Result(int code, String output) {
    }

    /** {@code control-plane.sh start DIR}; stopped by {@code control-plane.sh stop DIR}, which ends its own pids. */
    record ControlPlane(Path script, Path dir) {

        static ControlPlane start(Path k8s, Path dir) throws Exception {
            ControlPlane cp = new ControlPlane(k8s.resolve("control-plane.sh"), dir);
            Result started = cp.run(180, "start", dir.toString());
            if (started.code() != 0) {
                cp.stop();
                fail("the control plane did not start: " + started.output());
            }
            return cp;
        }

        void stop() throws Exception {
            run(60, "stop", dir.toString());
        }

        Result kubectl(String... args) throws Exception {
            List<String> command = new ArrayList<>(List.of("kubectl", dir.toString()));
            command.addAll(List.of(args));
            return run(60, command.toArray(String[]::new));
        }

        String kubectlOk(String... args) throws Exception {
            Result result = kubectl(args);
            assertEquals(0, result.code(), () -> "kubectl " + String.join(" ", args) + " failed: " + result.output());
            return result.output();
        }

        /**
         * The API server's authorizer on each call (kubectl auth can-i syntax), asked as the operator's
         * ServiceAccount with one SubjectAccessReview per call, all created by one kubectl.
         */
        List<Boolean> canI(List<String> calls) throws Exception {
            ObjectNode list = Yaml.MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "List");
            ArrayNode items = list.putArray("items");
            for (String call : calls) {
                ObjectNode review = items.addObject().put("apiVersion", "authorization.k8s.io/v1")
                        .put("kind", "SubjectAccessReview");
                ObjectNode spec = review.putObject("spec").put("user", ACCOUNT);
                spec.putArray("groups").add("system:serviceaccounts").add("system:serviceaccounts:" + NAMESPACE)
                        .add("system:authenticated");
                ObjectNode attributes = spec.putObject("resourceAttributes");
                String[] words = call.split(" ");
                attributes.put("verb", words[0]);
                String resource = words[1];
                int slash = resource.indexOf('/');
                if (slash > 0) {
                    attributes.put("name", resource.substring(slash + 1));
                    resource = resource.substring(0, slash);
                }
                int dot = resource.indexOf('.');
                attributes.put("resource", dot > 0 ? resource.substring(0, dot) : resource);
                attributes.put("group", dot > 0 ? resource.substring(dot + 1) : "");
                for (int i = 2; i < words.length; i++) {
                    if (words[i].equals("-n")) {
                        attributes.put("namespace", words[++i]);
                    } else if (words[i].startsWith("--subresource=")) {
                        attributes.put("subresource", words[i].substring("--subresource=".length()));
                    } else {
                        throw new IllegalArgumentException("cannot read '" + call + "'");
                    }
                }
            }
            Path file = Files.createTempFile(dir, "reviews-", ".json");
            Files.writeString(file, Yaml.MAPPER.writeValueAsString(list));
            String output = kubectlOk("create", "-f", file.toString(), "-o", "json");
            List<Boolean> allowed = new ArrayList<>();
            // kubectl prints one JSON object per created review
            try (var answers = new ObjectMapper().readerFor(JsonNode.class).<JsonNode>readValues(output)) {
                answers.forEachRemaining(a -> allowed.add(a.at("/status/allowed").asBoolean(false)));
            }
            assertEquals(calls.size(), allowed.size(), output);
            return allowed;
        }

        private Result run(int timeoutSeconds, String... args) throws Exception {
            List<String> command = new ArrayList<>(List.of(script.toString()));
            command.addAll(List.of(args));
            Path log = Files.createTempFile(dir, "cmd-", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            return new Result(process.exitValue(), output);
        }
    }
}
