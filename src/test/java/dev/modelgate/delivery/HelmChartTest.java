package dev.modelgate.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import dev.modelgate.api.files.ProjectFiles;
import dev.modelgate.api.files.Yaml;

/**
 * The Helm chart as Helm itself lints and renders it, with the default values and with every value changed
 * ({@code values-custom.yaml}); the rendered objects are checked one by one.
 */
class HelmChartTest {

    private static RenderedChart defaults;
    private static RenderedChart custom;

    @BeforeAll
    static void render() {
        defaults = RenderedChart.defaults();
        custom = RenderedChart.custom();
    }

    // ---- lint ---------------------------------------------------------------------------------------

    @Test
    void lintPassesWithDefaultValues() {
        LintResult lint = new Helm(RenderedChart.chartDir()).lint().strict().call();
        assertFalse(lint.isFailed(), () -> "helm lint --strict failed: " + lint.getMessages());
    }

    @Test
    void lintPassesWithEveryValueChanged(@TempDir Path dir) throws IOException {
        Path chart = RenderedChart.copyWithValues(dir.resolve("modelgate"), RenderedChart.customValues());
        LintResult lint = new Helm(chart).lint().strict().call();
        assertFalse(lint.isFailed(), () -> "helm lint --strict failed: " + lint.getMessages());
    }

    @Test
    void lintFailsOnValuesTheSchemaRefuses(@TempDir Path dir) throws IOException {
        Path overrides = dir.resolve("bad.yaml");
        Files.writeString(overrides, "webhook:\n  timeoutSeconds: 10\n");
        Path chart = RenderedChart.copyWithValues(dir.resolve("modelgate"), overrides);
        LintResult lint = new Helm(chart).lint().strict().call();
        assertTrue(lint.isFailed(), "a webhook timeout of 10 s must fail lint");
        assertTrue(lint.getMessages().stream().anyMatch(m -> m.contains("timeoutSeconds")), lint.getMessages()::toString);
    }

    // ---- values schema --------------------------------------------------------------------------------

    @Test
    void schemaRefusesTimeoutAboveFiveSeconds() {
        assertSchemaRefuses(Map.of("webhook.timeoutSeconds", 6), "- at '/webhook/timeoutSeconds': maximum: got 6, want 5");
    }

    @Test
    void schemaRefusesUnknownModes() {
        assertSchemaRefuses(Map.of("admission.defaultMode", "block"),
                "- at '/admission/defaultMode': value must be one of 'enforce', 'warn', 'audit'");
        assertSchemaRefuses(Map.of("verifier.scanPolicy", "strict"),
                "- at '/verifier/scanPolicy': value must be one of 'enforce', 'warn', 'off'");
        assertSchemaRefuses(Map.of("admission.reviewOverdueAction", "ignore"),
                "- at '/admission/reviewOverdueAction': value must be one of 'warn', 'deny'");
        assertSchemaRefuses(Map.of("webhook.tls.source", "vault"),
                "- at '/webhook/tls/source': value must be one of 'self-signed', 'cert-manager'");
    }

    @Test
    void schemaRefusesMisspelledValues() {
        assertSchemaRefuses(Map.of("admission.defaultmode", "warn"),
                "- at '/admission': additional properties 'defaultmode' not allowed");
    }

    @Test
    void schemaRefusesBadDurationsAndDigests() {
        assertSchemaRefuses(Map.of("operator.resync", "ten minutes"),
                "- at '/operator/resync': 'ten minutes' does not match pattern");
        assertSchemaRefuses(Map.of("image.digest", "latest"), "- at '/image/digest': 'latest' does not match pattern");
    }

    private static void assertSchemaRefuses(Map<String, Object> sets, String fragment) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RenderedChart.render(null, sets),
                "helm template must refuse " + sets);
        assertTrue(e.getMessage().contains("values don't meet the specifications of the schema"), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());

    }

    // ---- CRDs ------------------------------------------------------------------------------------------

    @Test
    void chartCrdsAreTheTopLevelCrds() throws IOException {
        Path top = ProjectFiles.crdsDir();
        Path chart = RenderedChart.chartDir().resolve("crds");
        List<Path> topFiles = ProjectFiles.filesEndingWith(top, ".yml").stream()
                .filter(f -> !f.getFileName().toString().equals(POLICY_REPORT_CRD)).toList();
        List<Path> chartFiles = ProjectFiles.filesEndingWith(chart, ".yml");
        assertEquals(names(topFiles), names(chartFiles),
                "charts/modelgate/crds must hold ModelGate's own CRDs from crds/; copy them: cp crds/*.modelgate.dev-v1.yml charts/modelgate/crds/");
        for (Path file : topFiles) {
            assertEquals(Files.readString(file), Files.readString(chart.resolve(file.getFileName().toString())),
                    "charts/modelgate/crds/" + file.getFileName() + " differs from crds/" + file.getFileName()
                            + "; copy it: cp crds/*.modelgate.dev-v1.yml charts/modelgate/crds/");
        }
        // the shared PolicyReport CRD is a file the template installs only when absent
        assertEquals(Files.readString(top.resolve(POLICY_REPORT_CRD)),
                Files.readString(RenderedChart.chartDir().resolve("files").resolve(POLICY_REPORT_CRD)),
                "charts/modelgate/files/" + POLICY_REPORT_CRD + " differs from crds/; copy it");
    }

    static final String POLICY_REPORT_CRD = "policyreports.wgpolicyk8s.io-v1alpha2.yml";

    @Test
    void onlyThePolicyReportCrdComesFromTemplatesAndOnlyWhenWanted() throws IOException {
        // helm install applies crds/ before the templates; ModelGate's own CRDs are not templates
        JsonNode crd = defaults.one("CustomResourceDefinition");
        assertEquals("policyreports.wgpolicyk8s.io", crd.at("/metadata/name").asText());
        assertEquals("keep", crd.at("/metadata/annotations/helm.sh~1resource-policy").asText(),
                "uninstalling ModelGate must not delete other tools' reports");
        assertEquals("policyreport-crd", crd.at("/metadata/labels/modelgate.dev~1optional").asText());
        JsonNode file = Yaml.readAll(ProjectFiles.crdsDir().resolve(POLICY_REPORT_CRD)).get(0);
        assertEquals(file.path("spec"), crd.path("spec"));
        assertFalse(RenderedChart.render(null, Map.of("policyReports.installCrd", false)).has("CustomResourceDefinition"));
        assertEquals(1, custom.ofKind("CustomResourceDefinition").size());
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(f -> f.getFileName().toString()).toList();
    }

    // ---- Deployment ------------------------------------------------------------------------------------

    @Test
    void deploymentRunsTwoReplicasSpreadOverNodes() {
        JsonNode deployment = defaults.one("Deployment");
        assertEquals("modelgate-system", deployment.at("/metadata/namespace").asText());
        assertEquals(2, deployment.at("/spec/replicas").asInt());
        JsonNode term = deployment.at("/spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/0/podAffinityTerm");
        assertEquals("kubernetes.io/hostname", term.path("topologyKey").asText());
        assertEquals(deployment.at("/spec/selector/matchLabels"), term.at("/labelSelector/matchLabels"));

        JsonNode customDeployment = custom.one("Deployment");
        assertEquals(3, customDeployment.at("/spec/replicas").asInt());
        JsonNode required = customDeployment.at("/spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/0");
        assertEquals("kubernetes.io/hostname", required.path("topologyKey").asText());
        assertTrue(customDeployment.at("/spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution").isMissingNode());
    }

    @Test
    void deploymentMeetsTheRestrictedPodSecurityStandard() {
        for (RenderedChart chart : List.of(defaults, custom)) {
            JsonNode pod = chart.one("Deployment").at("/spec/template/spec");
            assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());
            assertTrue(pod.at("/securityContext/runAsUser").asInt() > 0);
            assertEquals("RuntimeDefault", pod.at("/securityContext/seccompProfile/type").asText());
            assertFalse(pod.path("hostNetwork").asBoolean(false));
            assertEquals(1, pod.path("containers").size());
            JsonNode container = pod.at("/containers/0");
            JsonNode sc = container.path("securityContext");
            assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true), "allowPrivilegeEscalation must be false");
            assertTrue(sc.path("readOnlyRootFilesystem").asBoolean());
            assertEquals("[\"ALL\"]", sc.at("/capabilities/drop").toString());
            assertTrue(sc.at("/capabilities/add").isMissingNode());
            // the read-only root needs one writable place
            assertEquals("/tmp", container.at("/volumeMounts/0/mountPath").asText());
            assertTrue(pod.at("/volumes/0/emptyDir").isObject());
            assertTrue(container.at("/resources/requests/cpu").isTextual());
            assertTrue(container.at("/resources/requests/memory").isTextual());
        }
    }

    @Test
    void deploymentServesWebhooksOverHttpsAndHealthOverHttp() {
        JsonNode container = defaults.one("Deployment").at("/spec/template/spec/containers/0");
        Map<String, Integer> ports = new HashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertEquals(Map.of("http", 8080, "https", 8443), ports);
        assertEquals("[\"java\",\"-jar\",\"/deployments/quarkus-run.jar\"]", container.path("command").toString());
        assertEquals("/q/health/live", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("http", container.at("/readinessProbe/httpGet/port").asText());
        assertEquals("ghcr.io/modelgate/modelgate:0.1.0", container.path("image").asText());
        assertEquals("registry.example.com/platform/modelgate@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                custom.one("Deployment").at("/spec/template/spec/containers/0/image").asText());
    }

    @Test
    void everyConfigSettingReachesTheContainerAsAnEnvVar() {
        List<ConfigSettings> settings = ConfigSettings.all();
        assertTrue(settings.size() >= 17, "expected the settings of ModelGateConfig, found " + settings);
        for (RenderedChart chart : List.of(defaults, custom)) {
            Map<String, JsonNode> env = env(chart);
            List<String> missing = new ArrayList<>();
            for (ConfigSettings setting : settings) {
                if (!env.containsKey(setting.envVar())) {
                    missing.add(setting.envVar() + " (" + setting.property() + ")");
                }
            }
            assertTrue(missing.isEmpty(), "the Deployment sets no env var for: " + missing
                    + "; add a value to charts/modelgate/values.yaml and pass it in templates/deployment.yaml");
        }
    }

    @Test
    void chartDefaultsAreTheApplicationDefaults() {
        Map<String, JsonNode> env = env(defaults);
        for (ConfigSettings setting : ConfigSettings.all()) {
            if (setting.property().equals("modelgate.operator.namespace")) {
                continue; // from the downward API, checked below
            }
            String expected = setting.javaDefault().orElse("");
            assertEquals(expected, env.get(setting.envVar()).path("value").asText(),
                    setting.envVar() + ": the chart's default differs from ModelGateConfig's for " + setting.property());
        }
        assertEquals("metadata.namespace",
                env.get("MODELGATE_OPERATOR_NAMESPACE").at("/valueFrom/fieldRef/fieldPath").asText());
        assertTrue(env.get("MODELGATE_OPERATOR_NAMESPACE").path("value").isMissingNode());
    }

    @Test
    void customValuesReachTheirEnvVars() {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("MODELGATE_VERIFIER_IMAGE", "registry.example.com/platform/modelgate-verifier:1.2.3"),
                Map.entry("MODELGATE_VERIFIER_STRICT", "false"),
                Map.entry("MODELGATE_VERIFIER_IGNORE", ".cache/**,*.lock"),
                Map.entry("MODELGATE_VERIFIER_SCAN_POLICY", "warn"),
                Map.entry("MODELGATE_ADMISSION_DEFAULT_MODE", "audit"),
                Map.entry("MODELGATE_ADMISSION_EXEMPT_NAMESPACES", "sandbox,ci-runners"),
                Map.entry("MODELGATE_ADMISSION_REVIEW_OVERDUE_ACTION", "deny"),
                Map.entry("MODELGATE_ADMISSION_GUARD_ALLOWED_USERS",
                        "alice@example.com,system:serviceaccount:argocd:argocd-application-controller"),
                Map.entry("MODELGATE_ADMISSION_GUARD_ALLOWED_GROUPS", "platform-admins"),
                Map.entry("MODELGATE_ADMISSION_ALLOWED_VOLUME_TYPES", "csi,hostPath"),
                Map.entry("MODELGATE_OPERATOR_RESYNC", "5m"),
                Map.entry("MODELGATE_OPERATOR_OCI_CHECK_INTERVAL", "30m"),
                Map.entry("MODELGATE_WEBHOOK_TLS_SOURCE", "cert-manager"),
                Map.entry("MODELGATE_WEBHOOK_SECRET_NAME", "mg-tls"),
                Map.entry("MODELGATE_WEBHOOK_SERVICE_NAME", "mg-webhook"),
                Map.entry("MODELGATE_WEBHOOK_MUTATING_CONFIGURATION_NAME", "mg-mutating"),
                Map.entry("MODELGATE_WEBHOOK_VALIDATING_CONFIGURATION_NAME", "mg-validating"),
                Map.entry("MODELGATE_WEBHOOK_RENEW_BEFORE", "14d"),
                Map.entry("MODELGATE_ADMISSION_MAX_REQUEST_BYTES", "1048576"),
                Map.entry("MODELGATE_OPERATOR_AUDIT_ENABLED", "false"),
                Map.entry("MODELGATE_OPERATOR_AUDIT_POLICY_REPORT_NAME", "mg-report"),
                Map.entry("MODELGATE_OPERATOR_LEADER_ELECTION_LEASE_NAME", "mg-lease"),
                Map.entry("MODELGATE_OPERATOR_LEADER_ELECTION_LEASE_NAMESPACE", ""),
                Map.entry("MODELGATE_WEBHOOK_ROTATION_CHECK", "30m"),
                Map.entry("MODELGATE_WEBHOOK_PORT", "8443"),
                Map.entry("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=60"));
        Map<String, JsonNode> env = env(custom);
        expected.forEach((name, value) -> assertEquals(value, env.get(name).path("value").asText(), name));
    }

    @Test
    void webhookListenerAndCertificateFilesFollowTheChart() {
        Map<String, JsonNode> env = env(defaults);
        assertEquals("8443", env.get("MODELGATE_WEBHOOK_PORT").path("value").asText());
        // Helm holds numbers as floats: large ones must not come out as 3.145728e+06
        assertEquals("3145728", env.get("MODELGATE_ADMISSION_MAX_REQUEST_BYTES").path("value").asText());
        assertEquals("8080", env.get("QUARKUS_HTTP_PORT").path("value").asText());
        // self-signed: the operator reads the Secret through the API, nothing is mounted
        JsonNode pod = defaults.one("Deployment").at("/spec/template/spec");
        assertEquals(1, pod.path("volumes").size());
        // cert-manager: the Secret is mounted where MODELGATE_WEBHOOK_CERT_FILE/KEY_FILE point
        JsonNode customPod = custom.one("Deployment").at("/spec/template/spec");
        JsonNode mount = null;
        for (JsonNode m : customPod.at("/containers/0/volumeMounts")) {
            if (m.path("name").asText().equals("webhook-tls")) {
                mount = m;
            }
        }
        assertTrue(mount != null && mount.path("readOnly").asBoolean(), "the TLS Secret must be mounted read-only");
        Map<String, JsonNode> customEnv = env(custom);
        assertEquals(mount.path("mountPath").asText() + "/tls.crt", customEnv.get("MODELGATE_WEBHOOK_CERT_FILE").path("value").asText());
        assertEquals(mount.path("mountPath").asText() + "/tls.key", customEnv.get("MODELGATE_WEBHOOK_KEY_FILE").path("value").asText());
        boolean secretVolume = false;
        for (JsonNode v : customPod.path("volumes")) {
            secretVolume |= v.path("name").asText().equals("webhook-tls") && v.at("/secret/secretName").asText().equals("mg-tls");
        }
        assertTrue(secretVolume, "the webhook-tls volume must be the Secret mg-tls");
    }

    @Test
    void leaseInAnotherNamespaceGetsItsOwnRole() {
        RenderedChart chart = RenderedChart.render(null, Map.of("operator.leaderElection.leaseNamespace", "coordination"));
        List<JsonNode> roles = chart.ofKind("Role");
        assertEquals(2, roles.size());
        JsonNode leaseRole = roles.stream().filter(r -> r.at("/metadata/namespace").asText().equals("coordination"))
                .findFirst().orElseThrow(() -> new AssertionError("no Role in the lease namespace"));
        assertEquals(Set.of("coordination.k8s.io leases get,create,update,patch"), grants(leaseRole));
        JsonNode own = roles.stream().filter(r -> r.at("/metadata/namespace").asText().equals("modelgate-system"))
                .findFirst().orElseThrow();
        assertFalse(grants(own).stream().anyMatch(g -> g.contains("leases")), "no lease rights where the Lease is not");
        JsonNode binding = chart.ofKind("RoleBinding").stream()
                .filter(b -> b.at("/metadata/namespace").asText().equals("coordination")).findFirst().orElseThrow();
        assertEquals(leaseRole.at("/metadata/name").asText(), binding.at("/roleRef/name").asText());
        assertEquals("modelgate-system", binding.at("/subjects/0/namespace").asText());
    }

    @Test
    void verifierImageDefaultsToTheOperatorImage() {
        Map<String, JsonNode> env = env(RenderedChart.render(null, Map.of("image.tag", "9.9.9")));
        assertEquals("ghcr.io/modelgate/modelgate:9.9.9", env.get("MODELGATE_VERIFIER_IMAGE").path("value").asText());
    }

    private static Map<String, JsonNode> env(RenderedChart chart) {
        Map<String, JsonNode> env = new HashMap<>();
        chart.one("Deployment").at("/spec/template/spec/containers/0/env")
                .forEach(e -> env.put(e.path("name").asText(), e));
        return env;
    }

    // ---- PodDisruptionBudget and Services --------------------------------------------------------------

    @Test
    void podDisruptionBudgetKeepsOneWebhookServing() {
        JsonNode pdb = defaults.one("PodDisruptionBudget");
        assertEquals(1, pdb.at("/spec/maxUnavailable").asInt());
        assertTrue(pdb.at("/spec/minAvailable").isMissingNode());
        assertEquals(defaults.one("Deployment").at("/spec/selector"), pdb.at("/spec/selector"));
        assertEquals(2, custom.one("PodDisruptionBudget").at("/spec/minAvailable").asInt());
        assertTrue(custom.one("PodDisruptionBudget").at("/spec/maxUnavailable").isMissingNode());
        // one replica: the budget must still let a node drain (maxUnavailable 1, never minAvailable 1)
        for (Map<String, Object> sets : List.<Map<String, Object>>of(Map.of("replicaCount", 1),
                Map.of("replicaCount", 1, "podDisruptionBudget.minAvailable", 1))) {
            JsonNode single = RenderedChart.render(null, sets).one("PodDisruptionBudget");
            assertEquals(1, single.at("/spec/maxUnavailable").asInt(), sets.toString());
            assertTrue(single.at("/spec/minAvailable").isMissingNode(), sets.toString());
        }
        assertFalse(RenderedChart.render(null, Map.of("podDisruptionBudget.enabled", false)).has("PodDisruptionBudget"));
    }

    @Test
    void webhookServiceFrontsTheHttpsPort() {
        JsonNode service = service(defaults, "modelgate-webhook");
        assertEquals(443, service.at("/spec/ports/0/port").asInt());
        assertEquals("https", service.at("/spec/ports/0/targetPort").asText());
        assertEquals(defaults.one("Deployment").at("/spec/selector/matchLabels"), service.at("/spec/selector"));
        assertEquals("https", service(custom, "mg-webhook").at("/spec/ports/0/targetPort").asText());
    }

    private static JsonNode service(RenderedChart chart, String name) {
        return chart.ofKind("Service").stream().filter(s -> name.equals(s.at("/metadata/name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no Service " + name));
    }

    // ---- RBAC ------------------------------------------------------------------------------------------

    @Test
    void clusterRoleGrantsExactlyWhatTheOperatorNeeds() {
        Set<String> expected = new TreeSet<>(List.of(
                "modelgate.dev modelsources get,list,watch",
                "modelgate.dev trustedmodels get,list,watch",
                "modelgate.dev modelsources/status update,patch",
                "modelgate.dev trustedmodels/status update,patch",
                " pods get,list,watch",
                " namespaces get,list,watch",
                " persistentvolumeclaims get,list,watch",
                " events create",
                "wgpolicyk8s.io policyreports get,create,update,delete",
                "admissionregistration.k8s.io mutatingwebhookconfigurations get,list,watch,update,patch [modelgate]",
                "admissionregistration.k8s.io validatingwebhookconfigurations get,list,watch,update,patch [modelgate]",
                "apiextensions.k8s.io customresourcedefinitions get"));
        assertEquals(expected, grants(defaults.one("ClusterRole")));
        Set<String> customGrants = grants(custom.one("ClusterRole"));
        assertTrue(customGrants.contains("admissionregistration.k8s.io mutatingwebhookconfigurations get,list,watch,update,patch [mg-mutating]"), customGrants::toString);
        assertTrue(customGrants.contains("admissionregistration.k8s.io validatingwebhookconfigurations get,list,watch,update,patch [mg-validating]"), customGrants::toString);
    }

    @Test
    void secretsAndLeasesOnlyInTheOwnNamespace() {
        JsonNode role = defaults.one("Role");
        assertEquals("modelgate-system", role.at("/metadata/namespace").asText());
        assertEquals(new TreeSet<>(List.of(
                " secrets create",
                " secrets get,list,watch,update [modelgate-webhook-tls]",
                "coordination.k8s.io leases get,create,update,patch")), grants(role));
        // with cert-manager writing the Secret, the operator only reads it
        // ... and registry pull Secrets only when named in operator.ociPullSecrets
        assertEquals(new TreeSet<>(List.of(
                " secrets get [mg-tls]", " secrets get [registry-pull]",
                "coordination.k8s.io leases get,create,update,patch")), grants(custom.one("Role")));
        for (RenderedChart chart : List.of(defaults, custom)) {
            assertFalse(grants(chart.one("ClusterRole")).stream().anyMatch(g -> g.contains("secrets")),
                    "no cluster-wide access to Secrets");
            chart.ofKind("ClusterRole").forEach(r -> assertFalse(r.toString().contains("\"*\""), "no wildcards"));
            chart.ofKind("Role").forEach(r -> assertFalse(r.toString().contains("\"*\""), "no wildcards"));
        }
    }

    @Test
    void bindingsNameTheChartsServiceAccount() {
        String account = defaults.one("ServiceAccount").at("/metadata/name").asText();
        assertEquals(account, defaults.one("Deployment").at("/spec/template/spec/serviceAccountName").asText());
        for (String kind : List.of("ClusterRoleBinding", "RoleBinding")) {
            JsonNode binding = defaults.one(kind);
            assertEquals(account, binding.at("/subjects/0/name").asText());
            assertEquals("modelgate-system", binding.at("/subjects/0/namespace").asText());
            String role = kind.equals("RoleBinding") ? "Role" : "ClusterRole";
            assertEquals(defaults.one(role).at("/metadata/name").asText(), binding.at("/roleRef/name").asText());
        }
    }

    /** Each rule as "group resource verbs [resourceNames]", one line per resource. */
    private static Set<String> grants(JsonNode role) {
        Set<String> grants = new TreeSet<>();
        for (JsonNode rule : role.path("rules")) {
            List<String> verbs = new ArrayList<>();
            rule.path("verbs").forEach(v -> verbs.add(v.asText()));
            List<String> names = new ArrayList<>();
            rule.path("resourceNames").forEach(n -> names.add(n.asText()));
            for (JsonNode group : rule.path("apiGroups")) {
                for (JsonNode resource : rule.path("resources")) {
                    grants.add(group.asText() + " " + resource.asText() + " " + String.join(",", verbs)
                            + (names.isEmpty() ? "" : " " + names.toString().replace(" ", "")));
                }
            }
        }
        return grants;
    }

    // ---- webhooks --------------------------------------------------------------------------------------

    @Test
    void mutatingWebhookInjectsIntoNewPodsOnly() {
        JsonNode config = defaults.one("MutatingWebhookConfiguration");
        assertEquals("modelgate", config.at("/metadata/name").asText());
        assertEquals(1, config.path("webhooks").size());
        JsonNode webhook = config.at("/webhooks/0");
        assertCommonWebhookSettings(webhook, 5, "modelgate-webhook", "/mutate");
        assertEquals("IfNeeded", webhook.path("reinvocationPolicy").asText());
        assertEquals(Set.of(" v1 pods CREATE"), rules(webhook));
        assertOptInSelector(webhook, List.of("kube-system", "modelgate-system"));
        assertEquals("mg-mutating", custom.one("MutatingWebhookConfiguration").at("/metadata/name").asText());
    }

    @Test
    void validatingWebhookCoversPodsEphemeralContainersAndWorkloads() {
        JsonNode config = defaults.one("ValidatingWebhookConfiguration");
        assertEquals("modelgate", config.at("/metadata/name").asText());
        JsonNode pods = webhook(config, "validate.pods.modelgate.dev");
        assertCommonWebhookSettings(pods, 5, "modelgate-webhook", "/validate");
        assertEquals(new TreeSet<>(List.of(
                " v1 pods CREATE,UPDATE",
                " v1 pods/ephemeralcontainers UPDATE",
                "apps v1 deployments CREATE,UPDATE",
                "apps v1 statefulsets CREATE,UPDATE",
                "apps v1 daemonsets CREATE,UPDATE",
                "apps v1 replicasets CREATE,UPDATE",
                "batch v1 jobs CREATE,UPDATE",
                "batch v1 cronjobs CREATE,UPDATE")), rules(pods));
        assertOptInSelector(pods, List.of("kube-system", "modelgate-system"));
    }

    @Test
    void namespaceGuardSeesTheEnforceLabelBeingRemoved() {
        JsonNode guard = webhook(defaults.one("ValidatingWebhookConfiguration"), "validate.namespaces.modelgate.dev");
        assertCommonWebhookSettings(guard, 5, "modelgate-webhook", "/validate");
        assertEquals(Set.of(" v1 namespaces UPDATE"), rules(guard));
        // objectSelector matches on the old object too, so removing the label is still sent here
        assertEquals("true", guard.at("/objectSelector/matchLabels/modelgate.dev~1enforce").asText());
        assertEquals(notIn(guard), List.of("kube-system", "modelgate-system"));
        assertEquals(1, guard.at("/namespaceSelector/matchExpressions").size(),
                "the guard must not require the label it guards in its namespaceSelector");
    }

    @Test
    void modelStoreGuardSeesTheStoreLabelBeingRemoved() {
        JsonNode guard = webhook(defaults.one("ValidatingWebhookConfiguration"), "validate.modelstores.modelgate.dev");
        assertCommonWebhookSettings(guard, 5, "modelgate-webhook", "/validate");
        assertEquals(Set.of(" v1 persistentvolumeclaims UPDATE"), rules(guard));
        // objectSelector matches on the old object too, so removing the label is still sent here
        assertEquals("true", guard.at("/objectSelector/matchLabels/modelgate.dev~1model-store").asText());
        assertOptInSelector(guard, List.of("kube-system", "modelgate-system"));
    }

    @Test
    void customValuesReachTheWebhooks() {
        JsonNode mutating = custom.one("MutatingWebhookConfiguration").at("/webhooks/0");
        assertCommonWebhookSettings(mutating, 3, "mg-webhook", "/mutate");
        List<String> exempt = List.of("kube-system", "modelgate-system", "sandbox", "ci-runners");
        assertOptInSelector(mutating, exempt);
        JsonNode validating = custom.one("ValidatingWebhookConfiguration");
        assertEquals("mg-validating", validating.at("/metadata/name").asText());
        for (JsonNode webhook : validating.path("webhooks")) {
            assertCommonWebhookSettings(webhook, 3, "mg-webhook", "/validate");
            assertEquals(exempt, notIn(webhook));
        }
    }

    @Test
    void verifierResourcesReachTheOperator() {
        Map<String, JsonNode> env = env(defaults);
        assertEquals("250m", env.get("MODELGATE_VERIFIER_RESOURCES_REQUESTS_CPU").path("value").asText());
        assertEquals("512Mi", env.get("MODELGATE_VERIFIER_RESOURCES_LIMITS_MEMORY").path("value").asText());
        RenderedChart none = RenderedChart.render(null, Map.of("verifier.resources.limits.cpu", "none"));
        assertEquals("none", env(none).get("MODELGATE_VERIFIER_RESOURCES_LIMITS_CPU").path("value").asText());
        assertThrows(RuntimeException.class, () -> RenderedChart.render(null, Map.of("verifier.resources.limits.memory", "lots")));
    }

    @Test
    void outOfClusterUrlReplacesTheServiceReference() {
        RenderedChart chart = RenderedChart.render(null, Map.of("webhook.url", "https://127.0.0.1:8443/"));
        assertEquals("https://127.0.0.1:8443/", env(chart).get("MODELGATE_WEBHOOK_URL").path("value").asText());
        List<String> urls = new ArrayList<>();
        for (String kind : List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")) {
            for (JsonNode webhook : chart.one(kind).path("webhooks")) {
                assertTrue(webhook.at("/clientConfig/service").isMissingNode(), webhook.path("name").asText());
                urls.add(webhook.at("/clientConfig/url").asText());
            }
        }
        assertEquals(List.of("https://127.0.0.1:8443/mutate", "https://127.0.0.1:8443/validate",
                "https://127.0.0.1:8443/validate", "https://127.0.0.1:8443/validate"), urls);
        assertEquals("", env(defaults).get("MODELGATE_WEBHOOK_URL").path("value").asText(), "in cluster by default");
        // the schema refuses what the API server would
        assertThrows(RuntimeException.class, () -> RenderedChart.render(null, Map.of("webhook.url", "http://localhost:8443")));
    }

    private static void assertCommonWebhookSettings(JsonNode webhook, int timeout, String service, String path) {
        String name = webhook.path("name").asText();
        assertEquals("Fail", webhook.path("failurePolicy").asText(), name);
        assertEquals("None", webhook.path("sideEffects").asText(), name);
        assertEquals(timeout, webhook.path("timeoutSeconds").asInt(), name);
        assertTrue(webhook.path("timeoutSeconds").asInt() <= 5, name);
        assertEquals("[\"v1\"]", webhook.path("admissionReviewVersions").toString(), name);
        assertEquals(service, webhook.at("/clientConfig/service/name").asText(), name);
        assertEquals("modelgate-system", webhook.at("/clientConfig/service/namespace").asText(), name);
        assertEquals(path, webhook.at("/clientConfig/service/path").asText(), name);
        assertEquals(443, webhook.at("/clientConfig/service/port").asInt(), name);
        assertTrue(webhook.at("/clientConfig/caBundle").isMissingNode(), name + ": caBundle is written at run time");
    }

    private static void assertOptInSelector(JsonNode webhook, List<String> exempt) {
        JsonNode optIn = webhook.at("/namespaceSelector/matchExpressions").findParent("key");
        List<String> keys = new ArrayList<>();
        webhook.at("/namespaceSelector/matchExpressions").forEach(e -> keys.add(e.path("key").asText()));
        assertEquals(List.of("modelgate.dev/enforce", "kubernetes.io/metadata.name"), keys);
        JsonNode enforce = webhook.at("/namespaceSelector/matchExpressions/0");
        assertEquals("In", enforce.path("operator").asText());
        assertEquals("[\"true\"]", enforce.path("values").toString());
        assertTrue(optIn.isObject());
        assertEquals(exempt, notIn(webhook));
    }

    private static List<String> notIn(JsonNode webhook) {
        for (JsonNode e : webhook.at("/namespaceSelector/matchExpressions")) {
            if (e.path("key").asText().equals("kubernetes.io/metadata.name")) {
                assertEquals("NotIn", e.path("operator").asText());
                List<String> values = new ArrayList<>();
                e.path("values").forEach(v -> values.add(v.asText()));
                return values;
            }
        }
        throw new AssertionError(webhook.path("name").asText() + " does not exclude any namespace by name");
    }

    private static JsonNode webhook(JsonNode config, String name) {
        for (JsonNode webhook : config.path("webhooks")) {
            if (name.equals(webhook.path("name").asText())) {
                return webhook;
            }
        }
        throw new AssertionError("no webhook " + name + " in " + config.at("/metadata/name"));
    }

    /** Each rule as "group version resource OPERATIONS", one line per group and resource. */
    private static Set<String> rules(JsonNode webhook) {
        Set<String> rules = new TreeSet<>();
        for (JsonNode rule : webhook.path("rules")) {
            List<String> ops = new ArrayList<>();
            rule.path("operations").forEach(o -> ops.add(o.asText()));
            for (JsonNode group : rule.path("apiGroups")) {
                for (JsonNode version : rule.path("apiVersions")) {
                    for (JsonNode resource : rule.path("resources")) {
                        rules.add(group.asText() + " " + version.asText() + " " + resource.asText() + " "
                                + String.join(",", ops));
                    }
                }
            }
        }
        return rules;
    }

    // ---- cert-manager and ServiceMonitor ---------------------------------------------------------------

    @Test
    void selfSignedTlsNeedsNoCertManager() {
        assertFalse(defaults.has("Certificate"));
        assertFalse(defaults.has("Issuer"));
        assertTrue(defaults.one("ValidatingWebhookConfiguration").at("/metadata/annotations").isMissingNode());
        assertTrue(defaults.one("MutatingWebhookConfiguration").at("/metadata/annotations").isMissingNode());
    }

    @Test
    void certManagerFillsTheSecretAndInjectsTheCa() {
        JsonNode certificate = custom.one("Certificate");
        assertEquals("mg-tls", certificate.at("/spec/secretName").asText());
        assertEquals("[\"mg-webhook.modelgate-system.svc\",\"mg-webhook.modelgate-system.svc.cluster.local\"]",
                certificate.at("/spec/dnsNames").toString());
        assertEquals("corp-ca", certificate.at("/spec/issuerRef/name").asText());
        assertEquals("ClusterIssuer", certificate.at("/spec/issuerRef/kind").asText());
        assertFalse(custom.has("Issuer"), "an issuerRef given means no Issuer of our own");
        String injectFrom = "modelgate-system/" + certificate.at("/metadata/name").asText();
        for (String kind : List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")) {
            assertEquals(injectFrom, custom.one(kind).at("/metadata/annotations/cert-manager.io~1inject-ca-from").asText(), kind);
        }
    }

    @Test
    void certManagerWithoutIssuerCreatesASelfSignedOne() {
        RenderedChart chart = RenderedChart.render(null, Map.of("webhook.tls.source", "cert-manager"));
        JsonNode issuer = chart.one("Issuer");
        assertTrue(issuer.at("/spec/selfSigned").isObject());
        JsonNode certificate = chart.one("Certificate");
        assertEquals(issuer.at("/metadata/name").asText(), certificate.at("/spec/issuerRef/name").asText());
        assertEquals("Issuer", certificate.at("/spec/issuerRef/kind").asText());
        assertEquals("modelgate-webhook-tls", certificate.at("/spec/secretName").asText());
    }

    @Test
    void serviceMonitorScrapesTheMetricsServiceWhenEnabled() {
        assertFalse(defaults.has("ServiceMonitor"));
        JsonNode monitor = custom.one("ServiceMonitor");
        assertEquals("prometheus", monitor.at("/metadata/labels/release").asText());
        assertEquals("/q/metrics", monitor.at("/spec/endpoints/0/path").asText());
        assertEquals("15s", monitor.at("/spec/endpoints/0/interval").asText());
        String port = monitor.at("/spec/endpoints/0/port").asText();
        JsonNode metrics = custom.ofKind("Service").stream()
                .filter(s -> "metrics".equals(s.at("/metadata/labels/app.kubernetes.io~1component").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no metrics Service"));
        monitor.at("/spec/selector/matchLabels").fields().forEachRemaining(label -> assertEquals(label.getValue(),
                metrics.at("/metadata/labels").get(label.getKey()), "ServiceMonitor selector " + label.getKey()));
        assertEquals(port, metrics.at("/spec/ports/0/name").asText());
        assertEquals("http", metrics.at("/spec/ports/0/targetPort").asText());
    }
}
