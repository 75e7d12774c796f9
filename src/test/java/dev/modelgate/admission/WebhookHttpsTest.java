package dev.modelgate.admission;

import static dev.modelgate.admission.WebhookClient.review;
import static dev.modelgate.policy.AdmissionFixtures.object;
import static dev.modelgate.policy.AdmissionFixtures.podFromTemplate;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.admission.tls.CertificateSecret;
import dev.modelgate.admission.tls.WebhookCertificates;
import dev.modelgate.admission.tls.WebhookTls;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.policy.AdmissionFixtures;
import dev.modelgate.policy.PodContract;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The webhooks over real HTTPS, as an API server calls them: AdmissionReview v1 bodies built from the ComfyUI,
 * Fooocus and MLX fixtures, the client trusting only the CA the operator wrote into its Secret.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookHttpsTest {

    @Inject
    KubernetesClient client;

    @Inject
    KubernetesSerialization serialization;

    @Inject
    AdmissionCaches caches;

    @Inject
    WebhookTls tls;

    @Inject
    WebhookServer server;

    private WebhookClient webhook;
    private final List<HasMetadata> created = new ArrayList<>();

    @BeforeEach
    void fixtures() throws Exception {
        if (webhook != null) {
            return;
        }
        for (String f : List.of("policy/namespaces.yaml", "policy/sources.yaml", "policy/models.yaml")) {
            for (JsonNode doc : AdmissionFixtures.documents(f)) {
                Class<? extends HasMetadata> type = switch (doc.path("kind").asText()) {
                    case "TrustedModel" -> TrustedModel.class;
                    case "ModelSource" -> ModelSource.class;
                    case "Namespace" -> Namespace.class;
                    default -> PersistentVolumeClaim.class;
                };
                HasMetadata o = serialization.convertValue(doc, type);
                created.add(client.resource(o).createOr(op -> op.update()));
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> caches.synced()
                && caches.trustedModel("mlx", "mistral-7b-instruct-4bit").isPresent()
                && caches.trustedModel("comfyui", "sdxl-base").map(t -> t.getSpec().getFiles().size() == 1
                        && t.getSpec().getFiles().get(0).getPath().equals("checkpoints/sd_xl_base_1.0.safetensors"))
                        .orElse(false)
                && caches.claimLabels("mlx", "mlx-weights").isPresent()
                && caches.namespaceLabels("playground").isPresent());
        webhook = new WebhookClient(java.net.URI.create("https://localhost:" + server.port() + "/"), servedCaBundle());
    }

    @AfterAll
    void cleanUp() {
        for (HasMetadata o : created) {
            client.resource(o).delete();
        }
    }

    private String servedCaBundle() {
        Secret s = client.secrets().inNamespace("modelgate-system").withName("modelgate-webhook-tls").get();
        assertNotNull(s, "the operator creates its certificate Secret at start-up");
        return new String(Base64.getDecoder().decode(s.getData().get("ca-bundle.crt")), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"comfyui-deployment.yaml", "fooocus-deployment.yaml", "mlx-job.yaml"})
    void annotatedWorkloadIsAdmittedAndItsPodIsMutatedThenAdmitted(String file) throws Exception {
        ObjectNode workload = object("workloads/" + file);
        WebhookClient.Answer w = webhook.post("validate", review("CREATE", workload, null, null, "alice"));
        assertEquals(200, w.status());
        assertTrue(w.allowed(), w.body()::toString);

        ObjectNode pod = podFromTemplate(workload, "web-0");
        WebhookClient.Answer m = webhook.post("mutate", review("CREATE", pod, null, null, "system:serviceaccount"));
        assertTrue(m.allowed());
        assertEquals("JSONPatch", m.response().path("patchType").asText());
        ArrayNode patch = m.patch();
        JsonNode mutated = JsonPatch.apply(patch, pod);
        JsonNode inits = mutated.at("/spec/initContainers");
        assertEquals(PodContract.INIT_CONTAINER_NAME, inits.get(inits.size() - 1).path("name").asText());

        WebhookClient.Answer v = webhook.post("validate", review("CREATE", mutated, null, null, "system:serviceaccount"));
        assertTrue(v.allowed(), v.body()::toString);
        // Idempotent: the mutated pod needs no patch.
        WebhookClient.Answer again = webhook.post("mutate", review("CREATE", mutated, null, null, "x"));
        assertEquals(0, again.patch().size());
        assertFalse(again.response().has("patchType"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"comfyui-deployment-unannotated.yaml", "fooocus-deployment-unannotated.yaml",
            "mlx-job-unannotated.yaml"})
    void unannotatedWorkloadIsRefused(String file) throws Exception {
        WebhookClient.Answer a = webhook.post("validate", review("CREATE", object("workloads/" + file), null, null, "alice"));
        assertFalse(a.allowed());
        assertEquals(403, a.response().path("status").path("code").asInt());
        assertTrue(a.message().contains("(rule undeclared-model-store)"), a.message());
    }

    @Test
    void decisionsAreCountedAndTimedOnTheMetricsEndpoint() throws Exception {
        webhook.post("validate", review("CREATE", object("workloads/mlx-job-unannotated.yaml"), null, null, "m"));
        String metrics = io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200).extract()
                .asString();
        assertTrue(metrics.contains("modelgate_admission_duration_seconds_bucket{webhook=\"validate\""),
                "latency histogram missing");
        assertTrue(metrics.contains("modelgate_admissions_total{decision=\"deny\",rule=\"undeclared-model-store\""),
                "deny counter missing");
    }

    @Test
    void podOfAnUnannotatedComfyUiIsRefusedWithTheClaimNamed() throws Exception {
        ObjectNode pod = podFromTemplate(object("workloads/comfyui-deployment-unannotated.yaml"), "bare");
        assertEquals(0, webhook.post("mutate", review("CREATE", pod, null, null, "alice")).patch().size());
        WebhookClient.Answer a = webhook.post("validate", review("CREATE", pod, null, null, "alice"));
        assertEquals("Pod comfyui/bare mounts model store PersistentVolumeClaim comfyui-models (volume 'models') "
                + "without declaring its models (rule undeclared-model-store); list them in modelgate.dev/models and "
                + "name the volume in modelgate.dev/volume", a.message());
    }

    @Test
    void tamperedEmbeddedPlanIsRefused() throws Exception {
        ObjectNode pod = podFromTemplate(object("workloads/mlx-job.yaml"), "eval-1");
        ObjectNode mutated = (ObjectNode) JsonPatch.apply(
                webhook.post("mutate", review("CREATE", pod, null, null, "a")).patch(), pod);
        ObjectNode env = (ObjectNode) mutated.at("/spec/initContainers/0/env/0");
        env.put("value", env.path("value").asText().replace("\"strict\":true", "\"strict\":false"));
        WebhookClient.Answer a = webhook.post("validate", review("CREATE", mutated, null, null, "a"));
        assertFalse(a.allowed());
        assertTrue(a.message().startsWith("Pod mlx/eval-1: the verification plan embedded for models "
                + "mistral-7b-instruct-4bit is not the plan the current TrustedModels and ModelSources produce"),
                a.message());
    }

    @Test
    void writableEphemeralContainerIsRefused() throws Exception {
        ObjectNode pod = podFromTemplate(object("workloads/fooocus-deployment.yaml"), "fooocus-0");
        ObjectNode mutated = (ObjectNode) JsonPatch.apply(
                webhook.post("mutate", review("CREATE", pod, null, null, "a")).patch(), pod);
        ObjectNode debug = mutated.deepCopy();
        ObjectNode c = ((ObjectNode) debug.get("spec")).putArray("ephemeralContainers").addObject();
        c.put("name", "shell").put("image", "busybox:1.36");
        c.putArray("volumeMounts").addObject().put("name", "fooocus-models").put("mountPath", "/content/app/models");
        WebhookClient.Answer a = webhook.post("validate", review("UPDATE", debug, mutated, "ephemeralcontainers", "bob"));
        assertFalse(a.allowed());
        assertEquals("Pod fooocus/fooocus-0: ephemeral container shell mounts the model volume ('fooocus-models' at "
                + "/content/app/models) writable (rule writable-model-mount); set readOnly: true on that volumeMount, "
                + "only the verifier may write model files", a.message());
    }

    /** The attack of the issue: patch the verifier's image of a pending pod to one that exits 0. */
    @Test
    void replacingTheVerifierImageOfAnAdmittedPodIsRefused() throws Exception {
        ObjectNode pod = podFromTemplate(object("workloads/comfyui-deployment.yaml"), "comfyui-1");
        ObjectNode admitted = (ObjectNode) JsonPatch.apply(
                webhook.post("mutate", review("CREATE", pod, null, null, "rs")).patch(), pod);
        assertTrue(webhook.post("validate", review("CREATE", admitted, null, null, "rs")).allowed());
        ObjectNode swapped = admitted.deepCopy();
        JsonNode inits = swapped.at("/spec/initContainers");
        ((ObjectNode) inits.get(inits.size() - 1)).put("image", "busybox:1.36");
        WebhookClient.Answer patchNothing = webhook.post("mutate", review("UPDATE", swapped, admitted, null, "mallory"));
        assertEquals(0, patchNothing.patch().size(), "the mutating webhook changes new pods only");
        WebhookClient.Answer a = webhook.post("validate", review("UPDATE", swapped, admitted, null, "mallory"));
        assertFalse(a.allowed());
        assertEquals(403, a.response().path("status").path("code").asInt());
        assertTrue(a.message().startsWith("Pod comfyui/comfyui-1: this update changes the modelgate-verifier "
                + "init-container of a pod admitted with models sdxl-base, sdxl-vae (rule model-contract-changed)"),
                a.message());
        // A label update of the same pod is admitted.
        ObjectNode labelled = admitted.deepCopy();
        ((ObjectNode) labelled.get("metadata")).putObject("labels").put("team", "imaging");
        assertTrue(webhook.post("validate", review("UPDATE", labelled, admitted, null, "alice")).allowed());
    }

    @Test
    void ephemeralContainerTargetingTheVerifierIsRefused() throws Exception {
        ObjectNode pod = podFromTemplate(object("workloads/mlx-job.yaml"), "eval-2");
        ObjectNode admitted = (ObjectNode) JsonPatch.apply(
                webhook.post("mutate", review("CREATE", pod, null, null, "a")).patch(), pod);
        ObjectNode debug = admitted.deepCopy();
        ((ObjectNode) debug.get("spec")).putArray("ephemeralContainers").addObject().put("name", "dbg")
                .put("image", "busybox:1.36").put("targetContainerName", PodContract.INIT_CONTAINER_NAME);
        WebhookClient.Answer a = webhook.post("validate", review("UPDATE", debug, admitted, "ephemeralcontainers",
                "bob"));
        assertFalse(a.allowed());
        assertEquals("Pod mlx/eval-2: ephemeral container dbg targets the modelgate-verifier init-container (rule "
                + "verifier-targeted), so it would share its processes and writable mount; target the application "
                + "container instead", a.message());
    }

    @Test
    void removingTheModelStoreLabelIsRefusedUnlessAllowed() throws Exception {
        JsonNode before = serialization.convertValue(
                client.persistentVolumeClaims().inNamespace("comfyui").withName("comfyui-models").get(), JsonNode.class);
        ObjectNode after = before.deepCopy();
        ((ObjectNode) after.at("/metadata/labels")).remove(PodContract.LABEL_MODEL_STORE);
        WebhookClient.Answer a = webhook.post("validate", review("UPDATE", after, before, null, "mallory"));
        assertFalse(a.allowed());
        assertEquals("PersistentVolumeClaim comfyui/comfyui-models: removing label modelgate.dev/model-store=true is "
                + "refused for user mallory (rule model-store-guard), since it would let any pod mount the model store "
                + "writable; ask an administrator listed in modelgate.admission.guard-allowed-users or -groups to make "
                + "the change", a.message());
        assertTrue(webhook.post("validate", review("UPDATE", before, after, null, "mallory")).allowed(),
                "labelling a claim as a store is free");
    }

    /** Upstream charts mount the models writable: the template is judged as its pods will be after mutation. */
    @Test
    void aTemplateWithAWritableModelMountIsAdmittedLikeItsPods() throws Exception {
        ObjectNode w = object("workloads/fooocus-deployment.yaml");
        ((ObjectNode) w.at("/spec/template/spec/containers/0/volumeMounts/0")).remove("readOnly");
        WebhookClient.Answer a = webhook.post("validate", review("CREATE", w, null, null, "argocd"));
        assertTrue(a.allowed(), a.body()::toString);
        ObjectNode pod = podFromTemplate(w, "fooocus-1");
        ObjectNode mutated = (ObjectNode) JsonPatch.apply(
                webhook.post("mutate", review("CREATE", pod, null, null, "rs")).patch(), pod);
        assertTrue(mutated.at("/spec/containers/0/volumeMounts/0/readOnly").asBoolean());
        assertTrue(webhook.post("validate", review("CREATE", mutated, null, null, "rs")).allowed());
    }

    @Test
    void hostPathNextToTheModelsIsRefused() throws Exception {
        ObjectNode w = object("workloads/comfyui-deployment.yaml");
        ObjectNode spec = (ObjectNode) w.at("/spec/template/spec");
        spec.withArray("volumes").addObject().put("name", "store-dir").putObject("hostPath")
                .put("path", "/var/lib/kubelet/pods");
        WebhookClient.Answer a = webhook.post("validate", review("CREATE", w, null, null, "carol"));
        assertFalse(a.allowed());
        assertTrue(a.message().contains("volume 'store-dir' is a hostPath volume, which can reach storage outside "
                + "the model contract (rule volume-type)"), a.message());
    }

    @Test
    void cronJobTemplateIsJudged() throws Exception {
        ObjectNode job = object("workloads/mlx-job-unannotated.yaml");
        ObjectNode cron = WebhookClient.JSON.createObjectNode().put("apiVersion", "batch/v1").put("kind", "CronJob");
        cron.set("metadata", job.get("metadata").deepCopy());
        cron.putObject("spec").put("schedule", "0 3 * * *").putObject("jobTemplate").set("spec", job.get("spec"));
        WebhookClient.Answer a = webhook.post("validate", review("CREATE", cron, null, null, "ci"));
        assertFalse(a.allowed());
        assertEquals("CronJob mlx/mlx-eval mounts model store PersistentVolumeClaim mlx-weights (volume 'weights') "
                + "without declaring its models (rule undeclared-model-store); list them in modelgate.dev/models and "
                + "name the volume in modelgate.dev/volume", a.message());
    }

    @Test
    void namespaceGuardRefusesOptingOut() throws Exception {
        JsonNode before = serialization.convertValue(client.namespaces().withName("comfyui").get(), JsonNode.class);
        ObjectNode after = before.deepCopy();
        ((ObjectNode) after.at("/metadata/labels")).remove(PodContract.LABEL_ENFORCE);
        WebhookClient.Answer a = webhook.post("validate", review("UPDATE", after, before, null, "mallory"));
        assertFalse(a.allowed());
        assertEquals("Namespace comfyui: removing label modelgate.dev/enforce=true is refused for user mallory (rule "
                + "namespace-guard); ask an administrator listed in modelgate.admission.guard-allowed-users or -groups "
                + "to make the change", a.message());
    }

    @Test
    void auditModeAdmitsAndRecordsAnEvent() throws Exception {
        ObjectNode w = object("workloads/fooocus-deployment-unannotated.yaml");
        ((ObjectNode) w.get("metadata")).put("namespace", "sandbox").put("name", "fooocus-audit");
        ((ObjectNode) w.at("/spec/template/metadata")).putObject("annotations")
                .put(PodContract.ANNOTATION_MODELS, "not-approved");
        WebhookClient.Answer a = webhook.post("validate", review("CREATE", w, null, null, "carol"));
        assertTrue(a.allowed());
        assertFalse(a.response().has("warnings"), "audit mode shows nothing to the client");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace("sandbox").list().getItems()
                .stream().anyMatch(e -> "fooocus-audit".equals(e.getInvolvedObject().getName())
                        && "ModelGateAuditViolation".equals(e.getReason())
                        && e.getMessage().contains("model not-approved is not a TrustedModel in namespace sandbox")));
    }

    @Test
    void warnModeAdmitsWithWarnings() throws Exception {
        ObjectNode w = object("workloads/fooocus-deployment.yaml");
        ((ObjectNode) w.get("metadata")).put("namespace", "staging");
        ((ObjectNode) w.at("/spec/template/metadata/annotations")).put(PodContract.ANNOTATION_MODELS, "juggernaut-xl, sd3");
        WebhookClient.Answer a = webhook.post("validate", review("CREATE", w, null, null, "dave"));
        assertTrue(a.allowed());
        assertEquals("Deployment staging/fooocus: model sd3 is not a TrustedModel in namespace staging (rule "
                + "unknown-model); approve it with `modelgate approve` and apply the TrustedModel, or remove it from "
                + "modelgate.dev/models", a.response().path("warnings").get(0).asText());
    }

    @Test
    void malformedBodiesGetA400() throws Exception {
        WebhookClient.Answer notJson = webhook.post("validate", "{\"apiVersion\":".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, notJson.status());
        assertTrue(notJson.body().path("error").asText().startsWith("the request body is not JSON ("),
                notJson.body()::toString);
        WebhookClient.Answer wrongKind = webhook.post("mutate",
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, wrongKind.status());
        assertEquals("the request body is not an AdmissionReview admission.k8s.io/v1 (apiVersion 'v1', kind 'Pod'); "
                + "set admissionReviewVersions: [v1] in the webhook configuration", wrongKind.body().path("error").asText());
        WebhookClient.Answer noUid = webhook.post("validate",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}"
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(400, noUid.status());
        assertEquals("the AdmissionReview has no request.uid; it was not sent by an API server",
                noUid.body().path("error").asText());
        WebhookClient.Answer empty = webhook.post("validate", new byte[0]);
        assertEquals(400, empty.status());
    }

    @Test
    void oversizedBodyGetsA413() throws Exception {
        ObjectNode pod = podFromTemplate(object("workloads/comfyui-deployment.yaml"), "huge");
        ((ObjectNode) pod.at("/metadata/annotations")).put("filler", "x".repeat(3_200_000));
        WebhookClient.Answer a = webhook.post("validate", review("CREATE", pod, null, null, "a"));
        assertEquals(413, a.status());
        assertEquals("the AdmissionReview is larger than the 3145728 bytes allowed "
                + "(modelgate.admission.max-request-bytes); no Kubernetes object is that large",
                a.body().path("error").asText());
        // and the server is still answering
        assertEquals(200, webhook.post("validate", review("CREATE", object("workloads/mlx-job.yaml"), null, null, "a"))
                .status());
    }

    /** The server picks AES-128-GCM whatever the client lists first, and refuses suites without AEAD. */
    @Test
    void tlsPrefersAes128GcmAndRefusesWeakerSuites() throws Exception {
        assertOnlyAeadSuitesAreServed();
    }

    private static javax.net.ssl.SSLSocketFactory trustAll() throws Exception {
        javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
        trustAll.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        return trustAll.getSocketFactory();
    }

    /** The serving certificate a new connection gets, as PEM-free DER bytes. */
    private byte[] servedCertificate() throws Exception {
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) trustAll().createSocket("localhost", server.port())) {
            s.startHandshake();
            return s.getSession().getPeerCertificates()[0].getEncoded();
        }
    }

    private void assertOnlyAeadSuitesAreServed() throws Exception {
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) trustAll().createSocket("localhost", server.port())) {
            s.setEnabledCipherSuites(new String[] {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"});
            s.startHandshake();
            assertEquals("TLS_AES_128_GCM_SHA256", s.getSession().getCipherSuite());
        }
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) trustAll().createSocket("localhost", server.port())) {
            s.setEnabledProtocols(new String[] {"TLSv1.2"});
            s.setEnabledCipherSuites(new String[] {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                    "TLS_RSA_WITH_AES_128_GCM_SHA256"});
            assertThrows(javax.net.ssl.SSLHandshakeException.class, s::startHandshake,
                    "CBC and static-RSA suites must not be accepted");
        }
    }

    @Test
    void caBundleIsWrittenIntoBothWebhookConfigurations() {
        MutatingWebhookConfiguration m = new MutatingWebhookConfigurationBuilder().withNewMetadata()
                .withName("modelgate").endMetadata().addNewWebhook().withName("mutate.modelgate.dev")
                .withNewClientConfig().withNewService().withName("modelgate-webhook").withNamespace("modelgate-system")
                .withPath("/mutate").endService().endClientConfig().withAdmissionReviewVersions("v1")
                .withSideEffects("None").endWebhook().build();
        ValidatingWebhookConfiguration v = new ValidatingWebhookConfigurationBuilder().withNewMetadata()
                .withName("modelgate").endMetadata().addNewWebhook().withName("validate.modelgate.dev")
                .withNewClientConfig().withNewService().withName("modelgate-webhook").withNamespace("modelgate-system")
                .withPath("/validate").endService().endClientConfig().withAdmissionReviewVersions("v1")
                .withSideEffects("None").endWebhook().build();
        client.resource(m).createOr(op -> op.update());
        client.resource(v).createOr(op -> op.update());
        server.reload();
        String expected = Base64.getEncoder().encodeToString(servedCaBundle().getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("modelgate")
                .get().getWebhooks().get(0).getClientConfig().getCaBundle());
        assertEquals(expected, client.admissionRegistration().v1().validatingWebhookConfigurations()
                .withName("modelgate").get().getWebhooks().get(0).getClientConfig().getCaBundle());
        // The certificate served is the one in the Secret.
        assertEquals(WebhookCertificates.servingNotAfter(tls.current()), WebhookCertificates.parseCertificates(
                tls.current().servingCert()).get(0).getNotAfter().toInstant());
    }

    @Test
    void deletedTlsSecretIsRecreatedAndServedAtOnce() throws Exception {
        var secrets = client.secrets().inNamespace("modelgate-system");
        Secret original = secrets.withName("modelgate-webhook-tls").get();
        String originalServing = tls.current().servingCert();
        byte[] before = servedCertificate();
        try {
            secrets.withName("modelgate-webhook-tls").delete();
            // watched, not polled: back within seconds (the timer runs hourly), with a new CA, and served
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                Secret s = secrets.withName("modelgate-webhook-tls").get();
                return s != null && tls.current() != null && !tls.current().servingCert().equals(originalServing)
                        && tls.current().servingCert().equals(new String(Base64.getDecoder().decode(
                                s.getData().get("tls.crt")), StandardCharsets.UTF_8));
            });
            // the renewed certificate is served, with the same cipher suites as before the swap
            await().atMost(Duration.ofSeconds(10)).until(() -> !java.util.Arrays.equals(servedCertificate(), before));
            assertOnlyAeadSuitesAreServed();
        } finally {
            // put the original back (the other tests' client trusts its CA); the watch serves it again
            Secret back = new io.fabric8.kubernetes.api.model.SecretBuilder(original).editMetadata()
                    .withResourceVersion(null).withUid(null).endMetadata().build();
            secrets.resource(back).createOr(op -> op.update());
            await().atMost(Duration.ofSeconds(10)).until(() -> tls.current().servingCert().equals(originalServing));
        }
    }

    @Test
    void editedCaBundleIsRestoredAtOnce() {
        ValidatingWebhookConfiguration v = new ValidatingWebhookConfigurationBuilder().withNewMetadata()
                .withName("modelgate").endMetadata().addNewWebhook().withName("validate.modelgate.dev")
                .withNewClientConfig().withNewService().withName("modelgate-webhook").withNamespace("modelgate-system")
                .withPath("/validate").endService().endClientConfig().withAdmissionReviewVersions("v1")
                .withSideEffects("None").endWebhook().build();
        client.resource(v).createOr(op -> op.update());
        String expected = Base64.getEncoder().encodeToString(servedCaBundle().getBytes(StandardCharsets.UTF_8));
        var configurations = client.admissionRegistration().v1().validatingWebhookConfigurations();
        // created without a caBundle: filled in by the watch, no reload() call needed
        await().atMost(Duration.ofSeconds(10)).until(() -> expected.equals(
                configurations.withName("modelgate").get().getWebhooks().get(0).getClientConfig().getCaBundle()));
        ValidatingWebhookConfiguration edited = configurations.withName("modelgate").get();
        edited.getWebhooks().get(0).getClientConfig().setCaBundle(
                Base64.getEncoder().encodeToString("not the CA".getBytes(StandardCharsets.UTF_8)));
        configurations.resource(edited).update();
        await().atMost(Duration.ofSeconds(10)).until(() -> expected.equals(
                configurations.withName("modelgate").get().getWebhooks().get(0).getClientConfig().getCaBundle()));
    }

    @Test
    void outOfClusterUrlIsWrittenIntoBothWebhookConfigurations() {
        MutatingWebhookConfiguration m = new MutatingWebhookConfigurationBuilder().withNewMetadata()
                .withName("oc-mutating").endMetadata().addNewWebhook().withName("inject.pods.modelgate.dev")
                .withNewClientConfig().withNewService().withName("modelgate-webhook").withNamespace("modelgate-system")
                .withPath("/mutate").withPort(443).endService().endClientConfig().withAdmissionReviewVersions("v1")
                .withSideEffects("None").endWebhook().build();
        ValidatingWebhookConfiguration v = new ValidatingWebhookConfigurationBuilder().withNewMetadata()
                .withName("oc-validating").endMetadata().addNewWebhook().withName("validate.pods.modelgate.dev")
                .withNewClientConfig().withNewService().withName("modelgate-webhook").withNamespace("modelgate-system")
                .withPath("/validate").withPort(443).endService().endClientConfig().withAdmissionReviewVersions("v1")
                .withSideEffects("None").endWebhook().addNewWebhook().withName("validate.namespaces.modelgate.dev")
                .withNewClientConfig().withNewService().withName("modelgate-webhook").withNamespace("modelgate-system")
                .withPath("/validate").withPort(443).endService().endClientConfig().withAdmissionReviewVersions("v1")
                .withSideEffects("None").endWebhook().build();
        client.resource(m).createOr(op -> op.update());
        client.resource(v).createOr(op -> op.update());
        try {
            var endpoint = dev.modelgate.admission.tls.WebhookEndpoint.of(java.util.Optional.of("https://127.0.0.1:18443"));
            var patcher = new dev.modelgate.admission.tls.CaBundlePatcher(client);
            assertEquals(3, patcher.patch("oc-mutating", "oc-validating", "CA PEM", endpoint));
            var mc = client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("oc-mutating").get()
                    .getWebhooks().get(0).getClientConfig();
            assertEquals("https://127.0.0.1:18443/mutate", mc.getUrl());
            assertEquals(null, mc.getService(), "the service reference is gone: the API server takes one or the other");
            assertEquals(Base64.getEncoder().encodeToString("CA PEM".getBytes(StandardCharsets.UTF_8)), mc.getCaBundle());
            for (var w : client.admissionRegistration().v1().validatingWebhookConfigurations().withName("oc-validating")
                    .get().getWebhooks()) {
                assertEquals("https://127.0.0.1:18443/validate", w.getClientConfig().getUrl(), w.getName());
                assertEquals(null, w.getClientConfig().getService(), w.getName());
            }
            assertEquals(0, patcher.patch("oc-mutating", "oc-validating", "CA PEM", endpoint), "already in line");
        } finally {
            client.resource(m).delete();
            client.resource(v).delete();
        }
    }

    @Test
    void replicasShareOneCertificateSecret() throws Exception {
        // Two replicas start at once: both find no Secret, one creates it, the other loses (409) and reads it.
        java.util.function.Supplier<CertificateSecret> replica = () -> new CertificateSecret(client, "modelgate-system",
                "race-tls", WebhookCertificates.serviceDnsNames("modelgate-webhook", "modelgate-system"),
                java.time.Instant::now, Duration.ofDays(30));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<WebhookCertificates.Bundle>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> replica.get().ensure()));
            }
            WebhookCertificates.Bundle first = results.get(0).get();
            for (java.util.concurrent.Future<WebhookCertificates.Bundle> f : results) {
                assertEquals(first, f.get(), "every replica serves the same certificate");
            }
            assertEquals(first, replica.get().ensure(), "a later replica reads it too");
        } finally {
            pool.shutdownNow();
            client.secrets().inNamespace("modelgate-system").withName("race-tls").delete();
        }
    }

    @Test
    void certificateCloseToExpiryIsRenewedInTheSecret() {
        java.time.Instant past = java.time.Instant.now().minus(Duration.ofDays(340));
        List<String> names = WebhookCertificates.serviceDnsNames("modelgate-webhook", "modelgate-system");
        WebhookCertificates.Bundle old = new CertificateSecret(client, "modelgate-system", "renew-tls", names,
                () -> past, Duration.ofDays(30)).ensure();
        WebhookCertificates.Bundle renewed = new CertificateSecret(client, "modelgate-system", "renew-tls", names,
                java.time.Instant::now, Duration.ofDays(30)).ensure();
        try {
            assertFalse(old.equals(renewed));
            assertEquals(old.caCert(), renewed.caCert());
            assertTrue(WebhookCertificates.servingNotAfter(renewed).isAfter(java.time.Instant.now().plus(Duration.ofDays(300))));
            Secret s = client.secrets().inNamespace("modelgate-system").withName("renew-tls").get();
            assertEquals(renewed.servingCert(), new String(Base64.getDecoder().decode(s.getData().get("tls.crt")),
                    StandardCharsets.UTF_8));
        } finally {
            client.secrets().inNamespace("modelgate-system").withName("renew-tls").delete();
        }
    }
}
