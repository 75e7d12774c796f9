package dev.modelgate.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The caBundle the operator writes is the one the API server checks the webhook's certificate against. */
@ExtendWith(E2EExtension.class)
@Order(E2EExtension.DISRUPTIVE + 2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhookTlsE2EIT {

    static final String PROBE = "e2e-ca-probe";

    /**
     * A probe webhook configuration of the test's own, calling the operator's /validate for one namespace only: with
     * a wrong CA (the API server's own, a real CA that did not sign the operator's certificate) the API server's call
     * fails on the certificate; with the caBundle the operator wrote, it succeeds. A separate configuration, so the
     * operator (which repairs its own configurations) does not race the test.
     */
    @Test
    @Order(1)
    void theApiServerChecksTheOperatorsCertificateAgainstTheCaBundle() throws Exception {
        OperatorProcess op = E2E.operator();
        ControlPlane cluster = E2E.cluster();
        KubernetesClient c = cluster.client();
        probeNamespace(c, PROBE);
        String operatorsBundle = c.admissionRegistration().v1().validatingWebhookConfigurations()
                .withName(Operators.WEBHOOK_CONFIGURATION).get().getWebhooks().get(0).getClientConfig().getCaBundle();
        String wrongCa = Base64.getEncoder().encodeToString(Files.readAllBytes(cluster.caCertificate()));
        try {
            probe(c, op.webhookUrl + "/validate", wrongCa);
            Kubectl.Result refused = awaitOutcome(cluster, false, "wrong-ca");
            assertTrue(refused.err().contains("x509") || refused.err().contains("certificate"),
                    "the call should fail on the certificate\n" + refused);
            assertTrue(refused.err().contains("probe.e2e.modelgate.dev"), "the failure should name the webhook\n" + refused);

            probe(c, op.webhookUrl + "/validate", operatorsBundle);
            awaitOutcome(cluster, true, "right-ca");
        } finally {
            c.admissionRegistration().v1().validatingWebhookConfigurations().withName(PROBE).delete();
        }
    }

    /**
     * An operator that renews its serving certificate at every check (renew-before far beyond its lifetime, a check
     * every 3 s): pods keep being admitted across several renewals.
     */
    @Test
    @Order(2)
    void rotationKeepsAdmissionWorking() {
        Installation installation = E2E.installed();
        ControlPlane cluster = installation.cluster;
        KubernetesClient c = cluster.client();
        Namespaces.optedIn(cluster, "e2e-rotation", "enforce");
        Operators.stopRunning();
        OperatorProcess rotating = Operators.start(installation, null, null, Map.of(
                "MODELGATE_WEBHOOK_RENEW_BEFORE", "36500d", "MODELGATE_WEBHOOK_ROTATION_CHECK", "3s"));
        try {
            Operators.awaitWebhooks(cluster, rotating.webhookUrl, Operators.START);
            Set<String> served = new HashSet<>();
            Set<String> bundles = new HashSet<>();
            List<String> failures = new ArrayList<>();
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int i = 0;
            while (System.nanoTime() < end) {
                served.add(c.secrets().inNamespace(Installation.NAMESPACE).withName("modelgate-webhook-tls").get().getData()
                        .get("tls.crt"));
                bundles.add(c.admissionRegistration().v1().validatingWebhookConfigurations()
                        .withName(Operators.WEBHOOK_CONFIGURATION).get().getWebhooks().get(0).getClientConfig().getCaBundle());
                Kubectl.Result r = cluster.admin().runWithInput(
                        Fixtures.yaml(c, Fixtures.plainPod("e2e-rotation", "p-" + (i++))), "create", "-f", "-");
                if (!r.ok()) {
                    failures.add(r.err().strip());
                }
                OperatorProcess.sleep(200);
            }
            // The CA outlives the serving certificate, so a serving-certificate renewal leaves caBundle as it is.
            assertTrue(served.size() >= 3, "the serving certificate was not renewed every 3 s: " + served.size()
                    + " seen in 10 s\n" + rotating.logTail(40));
            assertEquals(1, bundles.size(), "caBundle changed although the CA did not");
            assertEquals(List.of(), failures, "pods refused while certificates rotated (" + i + " created)");
        } finally {
            rotating.stop();
        }
    }

    static void probeNamespace(KubernetesClient c, String name) {
        c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).addToLabels(name, "true")
                .endMetadata().build()).serverSideApply();
    }

    static void probe(KubernetesClient c, String url, String caBundle) {
        probe(c, PROBE, url, caBundle);
    }

    /**
     * A validating webhook configuration {@code name} of the test's own that calls {@code url} for pods in namespaces
     * labelled {@code name=true}.
     */
    static void probe(KubernetesClient c, String name, String url, String caBundle) {
        ValidatingWebhookConfiguration probe = new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .addNewWebhook().withName("probe.e2e.modelgate.dev").withAdmissionReviewVersions("v1").withSideEffects("None")
                .withFailurePolicy("Fail").withTimeoutSeconds(5)
                .withNewClientConfig().withUrl(url).withCaBundle(caBundle).endClientConfig()
                .withNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels(name, "true").build())
                .addNewRule().withApiGroups("").withApiVersions("v1").withResources("pods").withOperations("CREATE")
                .withScope("Namespaced").endRule()
                .endWebhook().build();
        c.admissionRegistration().v1().validatingWebhookConfigurations().resource(probe).forceConflicts().serverSideApply();
    }

    /** The API server reads webhook configurations from an informer: wait until it uses the new one. */
    static Kubectl.Result awaitOutcome(ControlPlane cluster, boolean admitted, String name) {
        return awaitOutcome(cluster, PROBE, admitted, name);
    }

    static Kubectl.Result awaitOutcome(ControlPlane cluster, String namespace, boolean admitted, String name) {
        Kubectl.Result last = null;
        for (int i = 0; i < 60; i++) {
            last = cluster.admin().runWithInput(Fixtures.yaml(cluster.client(), Fixtures.plainPod(namespace, name)),
                    "create", "--dry-run=server", "-f", "-");
            if (last.ok() == admitted) {
                return last;
            }
            OperatorProcess.sleep(250);
        }
        throw new AssertionError("the pod was " + (admitted ? "never admitted" : "never refused") + " in 15 s\n" + last);
    }
}
