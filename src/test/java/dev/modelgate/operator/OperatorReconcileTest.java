package dev.modelgate.operator;

import static dev.modelgate.policy.PolicyFixtures.SHA_A;
import static dev.modelgate.policy.PolicyFixtures.SHA_B;
import static dev.modelgate.policy.PolicyFixtures.ecKey;
import static dev.modelgate.policy.PolicyFixtures.file;
import static dev.modelgate.policy.PolicyFixtures.model;
import static dev.modelgate.policy.PolicyFixtures.review;
import static dev.modelgate.policy.PolicyFixtures.rsaKey;
import static dev.modelgate.policy.PolicyFixtures.signingSource;
import static dev.modelgate.policy.PolicyFixtures.source;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.api.v1alpha1.Condition;
import dev.modelgate.api.v1alpha1.ConditionType;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.OciArtifactSpec;
import dev.modelgate.api.v1alpha1.OciRepository;
import dev.modelgate.api.v1alpha1.OciSourceSpec;
import dev.modelgate.api.v1alpha1.Revocation;
import dev.modelgate.api.v1alpha1.ScanSpec;
import dev.modelgate.api.v1alpha1.SignatureSpec;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.api.v1alpha1.TrustedModelStatus;
import dev.modelgate.api.v1alpha1.VerificationFailure;
import dev.modelgate.oci.LocalRegistry;
import dev.modelgate.oci.OciLayout;
import dev.modelgate.policy.ModelManifests;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator against the Fabric8 mock API server: statuses, Events, PolicyReports and metrics as a cluster would
 * show them. Each test works in its own namespace with its own sources, so the order of tests does not matter.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class OperatorReconcileTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    KubernetesClient client;

    @Inject
    SettableClock clock;

    @Inject
    ArtifactChecker artifactChecker;

    private ClusterFixtures cluster;

    @BeforeEach
    void setUp() {
        cluster = new ClusterFixtures(client);
        clock.reset();
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void sourceAndModelBecomeReadyWithCountsAndTheCliDigest() {
        cluster.create(signingSource("ready-src", ecKey("release-2025"), rsaKeyRevoked()));
        TrustedModel tm = model("ready", "sdxl", "ready-src",
                file("sdxl.safetensors", SHA_A, 3, "https://models.example.com/ready-src/sdxl.safetensors"),
                file("vae/vae.safetensors", SHA_B, 5, null));
        tm.getSpec().setSignature(new SignatureSpec());
        cluster.create(tm);

        await().atMost(WAIT).until(() -> cluster.isTrue("ready", "sdxl", ConditionType.READY));
        TrustedModelStatus status = cluster.model("ready", "sdxl").getStatus();
        assertEquals(ModelManifests.manifest(tm).digest(), status.getManifestDigest(),
                "the operator's manifest digest is the one the CLI computes");
        assertEquals(2, status.getFileCount());
        assertEquals(0, status.getPods());
        assertEquals(1L, status.getObservedGeneration());
        assertTrue(cluster.isTrue("ready", "sdxl", ConditionType.SOURCE_TRUSTED));
        assertTrue(cluster.isFalse("ready", "sdxl", ConditionType.REVOKED));
        assertTrue(cluster.isFalse("ready", "sdxl", ConditionType.REVIEW_DUE));

        await().atMost(WAIT).until(() -> {
            ModelSource s = cluster.source("ready-src");
            return s.getStatus() != null && Integer.valueOf(1).equals(s.getStatus().getModels());
        });
        ModelSource src = cluster.source("ready-src");
        assertEquals(1, src.getStatus().getValidKeys());
        assertEquals(1, src.getStatus().getRevokedKeys());
        assertEquals(0, src.getStatus().getExpiredKeys());
        Condition ready = Condition.find(src.getStatus().getConditions(), ConditionType.READY).orElseThrow();
        assertEquals("True", ready.getStatus());
        assertEquals("ModelSource ready-src is trusted: 1 valid key; key 'old-rsa' is revoked (leaked)",
                ready.getMessage());
    }

    @Test
    void aWeakKeyTakesTheSourceAndItsModelsOutOfTrustNamingTheKey() {
        cluster.create(signingSource("weak-src", ecKey("release-2025")));
        cluster.create(signedModel("weak", "flux", "weak-src"));
        await().atMost(WAIT).until(() -> cluster.isTrue("weak", "flux", ConditionType.READY));

        ModelSource src = cluster.source("weak-src");
        src.getSpec().getSigning().getKeys().add(rsaKey("old-rsa", 1024));
        client.resources(ModelSource.class).resource(src).update();

        String expected = "ModelSource weak-src: signing key 'old-rsa' is RSA with 1024 bits, below the minimum of "
                + "2048; fix or remove the key in spec.signing.keys";
        await().atMost(WAIT).until(() -> cluster.isFalse("weak", "flux", ConditionType.SOURCE_TRUSTED));
        Condition trusted = cluster.condition("weak", "flux", ConditionType.SOURCE_TRUSTED).orElseThrow();
        assertEquals("SourceNotReady", trusted.getReason());
        assertEquals(expected, trusted.getMessage());
        Condition ready = cluster.condition("weak", "flux", ConditionType.READY).orElseThrow();
        assertEquals("False", ready.getStatus());
        assertEquals("SourceNotTrusted", ready.getReason());

        await().atMost(WAIT).until(() -> Condition.find(cluster.source("weak-src").getStatus().getConditions(),
                ConditionType.READY).map(c -> "KeyTooWeak".equals(c.getReason())).orElse(false));
        assertEquals(expected, Condition.find(cluster.source("weak-src").getStatus().getConditions(),
                ConditionType.READY).orElseThrow().getMessage());
        await().atMost(WAIT).until(() -> cluster.events("weak", "TrustedModel", "flux").stream()
                .anyMatch(e -> "SourceNotTrusted".equals(e.getReason()) && expected.equals(e.getMessage())));

        // Fixing the source brings the model back without touching the model.
        ModelSource fixed = cluster.source("weak-src");
        fixed.getSpec().getSigning().getKeys().removeIf(k -> "old-rsa".equals(k.getName()));
        client.resources(ModelSource.class).resource(fixed).update();
        await().atMost(WAIT).until(() -> cluster.isTrue("weak", "flux", ConditionType.READY));
    }

    @Test
    void aFileUrlOutsideTheSourcesPrefixesIsNotReady() {
        cluster.create(source("url-src", "https://models.example.com/sdxl/"));
        cluster.create(model("urls", "evil", "url-src",
                file("sdxl.safetensors", SHA_A, 3, "https://models.example.com/sdxl-evil/sdxl.safetensors")));

        await().atMost(WAIT).until(() -> cluster.isFalse("urls", "evil", ConditionType.READY));
        Condition ready = cluster.condition("urls", "evil", ConditionType.READY).orElseThrow();
        assertEquals("UrlOutsideSource", ready.getReason());
        assertEquals("TrustedModel urls/evil: spec.files[0] (sdxl.safetensors): url "
                + "'https://models.example.com/sdxl-evil/sdxl.safetensors' is not under any of the source's urls "
                + "[https://models.example.com/sdxl/] of ModelSource url-src; fix the url or add its prefix to the "
                + "source", ready.getMessage());
        assertTrue(cluster.isTrue("urls", "evil", ConditionType.SOURCE_TRUSTED), "the source itself is fine");
    }

    @Test
    void duplicatePathsAndAMissingSignatureAreNotReady() {
        cluster.create(source("dup-src", "https://models.example.com/dup/"));
        cluster.create(model("dups", "twice", "dup-src", file("a.safetensors", SHA_A, 3, null),
                file("a.safetensors", SHA_B, 4, null)));
        cluster.create(signingSource("sig-src", ecKey("k1")));
        cluster.create(model("dups", "unsigned", "sig-src", file("a.safetensors", SHA_A, 3, null)));

        await().atMost(WAIT).until(() -> cluster.isFalse("dups", "twice", ConditionType.READY));
        Condition twice = cluster.condition("dups", "twice", ConditionType.READY).orElseThrow();
        assertEquals("DuplicatePath", twice.getReason());
        assertEquals("TrustedModel dups/twice: spec.files[1].path 'a.safetensors' is declared twice",
                twice.getMessage());
        TrustedModel stored = cluster.model("dups", "twice");
        assertEquals(null, stored.getStatus().getManifestDigest(), "no digest for an unusable file list");

        await().atMost(WAIT).until(() -> cluster.isFalse("dups", "unsigned", ConditionType.READY));
        Condition unsigned = cluster.condition("dups", "unsigned", ConditionType.READY).orElseThrow();
        assertEquals("SignatureMissing", unsigned.getReason());
        assertEquals("ModelSource sig-src requires signed models but TrustedModel dups/unsigned declares no "
                + "spec.signature; sign the model and set spec.signature.bundlePath (default model.sig)",
                unsigned.getMessage());
    }

    @Test
    void aMissingSourceIsNamedAndItsLaterCreationMakesTheModelReady() {
        cluster.create(model("late", "m", "late-src", file("m.gguf", SHA_A, 3, null)));
        await().atMost(WAIT).until(() -> cluster.isFalse("late", "m", ConditionType.SOURCE_TRUSTED));
        assertEquals("ModelSource late-src does not exist; create it or fix spec.source of TrustedModel late/m",
                cluster.condition("late", "m", ConditionType.SOURCE_TRUSTED).orElseThrow().getMessage());
        cluster.create(source("late-src", "https://models.example.com/late/"));
        await().atMost(WAIT).until(() -> cluster.isTrue("late", "m", ConditionType.READY));
    }

    @Test
    void revocationWithRunningPodsRaisesEventsAndPolicyReportEntriesOnceTheCrdExists() throws IOException {
        cluster.create(source("rev-src", "https://models.example.com/rev/"));
        cluster.create(model("rev", "sd15", "rev-src", file("sd15.safetensors", SHA_A, 3, null)));
        cluster.create(model("rev", "other", "rev-src", file("other.safetensors", SHA_B, 3, null)));
        cluster.runningPod("rev", "comfy-1", "sd15, other");
        cluster.runningPod("rev", "comfy-2", "sd15");
        cluster.runningPod("rev", "unrelated", "other");
        await().atMost(WAIT).until(() -> cluster.isTrue("rev", "sd15", ConditionType.READY)
                && Integer.valueOf(2).equals(cluster.model("rev", "sd15").getStatus().getPods()));
        assertTrue(client.apiextensions().v1().customResourceDefinitions().withName(PolicyReports.CRD_NAME)
                .get() == null, "this part runs without the PolicyReport CRD");

        TrustedModel tm = cluster.model("rev", "sd15");
        Revocation revocation = new Revocation();
        revocation.setReason("CVE-2026-0001: pickle payload found in the VAE");
        tm.getSpec().setRevoked(revocation);
        client.resources(TrustedModel.class).inNamespace("rev").resource(tm).update();

        await().atMost(WAIT).until(() -> cluster.isTrue("rev", "sd15", ConditionType.REVOKED));
        String why = "pod %s uses TrustedModel rev/sd15 is revoked: CVE-2026-0001: pickle payload found in the VAE; "
                + "pods naming it are refused";
        for (String pod : List.of("comfy-1", "comfy-2")) {
            await().atMost(WAIT).until(() -> cluster.events("rev", "Pod", pod).stream()
                    .anyMatch(e -> "ModelRevoked".equals(e.getReason()) && "Warning".equals(e.getType())
                            && why.formatted(pod).equals(e.getMessage())));
        }
        assertTrue(cluster.events("rev", "Pod", "unrelated").isEmpty(), "a pod not using the model is left alone");
        assertEquals(1, cluster.events("rev", "TrustedModel", "sd15").stream()
                .filter(e -> "ModelRevoked".equals(e.getReason())).count());
        // Without the CRD nothing is written and nothing breaks.
        assertEquals(null, client.genericKubernetesResources(PolicyReports.POLICY_REPORT).inNamespace("rev")
                .withName("modelgate").get());
        await().atMost(WAIT).until(() -> metric("modelgate_pods_using_revoked_models", Map.of()) >= 2.0);

        // Installing the CRD: the next reconcile of the namespace writes its report.
        try (InputStream in = new FileInputStream("crds/policyreports.wgpolicyk8s.io-v1alpha2.yml")) {
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
        Pod touched = client.pods().inNamespace("rev").withName("comfy-2").get();
        touched.getMetadata().getLabels().put("touched", "yes");
        client.pods().inNamespace("rev").resource(touched).update();

        await().atMost(WAIT).until(() -> client.genericKubernetesResources(PolicyReports.POLICY_REPORT)
                .inNamespace("rev").withName("modelgate").get() != null);
        GenericKubernetesResource report = client.genericKubernetesResources(PolicyReports.POLICY_REPORT)
                .inNamespace("rev").withName("modelgate").get();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) report.getAdditionalProperties()
                .get("results");
        assertEquals(2, results.size());
        for (int i = 0; i < 2; i++) {
            Map<String, Object> r = results.get(i);
            String pod = i == 0 ? "comfy-1" : "comfy-2";
            assertEquals("modelgate", r.get("policy"));
            assertEquals("revoked", r.get("rule"));
            assertEquals("fail", r.get("result"));
            assertEquals(why.formatted(pod), r.get("message"));
            @SuppressWarnings("unchecked")
            Map<String, Object> resource = ((List<Map<String, Object>>) r.get("resources")).get(0);
            assertEquals("Pod", resource.get("kind"));
            assertEquals(pod, resource.get("name"));
            assertEquals("rev", resource.get("namespace"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) report.getAdditionalProperties().get("summary");
        assertEquals(2, ((Number) summary.get("fail")).intValue());

        // Un-revoking clears the report (deleted when empty).
        TrustedModel back = cluster.model("rev", "sd15");
        back.getSpec().setRevoked(null);
        client.resources(TrustedModel.class).inNamespace("rev").resource(back).update();
        await().atMost(WAIT).until(() -> client.genericKubernetesResources(PolicyReports.POLICY_REPORT)
                .inNamespace("rev").withName("modelgate").get() == null);

        // Revoked again, then deleted: a deletion reaches no reconcile, the sweep clears the model's findings.
        TrustedModel again = cluster.model("rev", "sd15");
        again.getSpec().setRevoked(revocation);
        client.resources(TrustedModel.class).inNamespace("rev").resource(again).update();
        await().atMost(WAIT).until(() -> client.genericKubernetesResources(PolicyReports.POLICY_REPORT)
                .inNamespace("rev").withName("modelgate").get() != null);
        client.resources(TrustedModel.class).inNamespace("rev").withName("sd15").delete();
        await().atMost(WAIT).until(() -> client.genericKubernetesResources(PolicyReports.POLICY_REPORT)
                .inNamespace("rev").withName("modelgate").get() == null);
    }

    @Test
    void aReviewThatLapsesTurnsReviewDueAtThatMomentWithAnEvent() {
        // Due at 2026-03-02T00:00Z; the operator's clock reads two seconds before that.
        clock.setTo(Instant.parse("2026-03-01T23:59:58Z"));
        cluster.create(source("review-src", "https://models.example.com/review/"));
        TrustedModel tm = model("review", "llama", "review-src", file("llama.gguf", SHA_A, 3, null));
        tm.getSpec().setReview(review("1d", "2026-03-01"));
        cluster.create(tm);

        await().atMost(WAIT).until(() -> cluster.isFalse("review", "llama", ConditionType.REVIEW_DUE));
        assertEquals("next review due at 2026-03-02T00:00:00Z",
                cluster.condition("review", "llama", ConditionType.REVIEW_DUE).orElseThrow().getMessage());
        // No event, no sleep: the reconciler woke itself for the due moment.
        await().atMost(WAIT).until(() -> cluster.isTrue("review", "llama", ConditionType.REVIEW_DUE));
        Condition due = cluster.condition("review", "llama", ConditionType.REVIEW_DUE).orElseThrow();
        assertEquals("ReviewOverdue", due.getReason());
        String message = "review of TrustedModel review/llama was due at 2026-03-02T00:00:00Z (last reviewed "
                + "2026-03-01, every 1d); review it and update spec.review.lastReviewed";
        assertEquals(message, due.getMessage());
        assertTrue(Instant.parse(due.getLastTransitionTime()).compareTo(Instant.parse("2026-03-02T00:00:00Z")) >= 0);
        await().atMost(WAIT).until(() -> cluster.events("review", "TrustedModel", "llama").stream()
                .anyMatch(e -> "ReviewDue".equals(e.getReason()) && message.equals(e.getMessage())));
        assertTrue(cluster.isTrue("review", "llama", ConditionType.READY), "an overdue review warns; it does not "
                + "withdraw the approval");
    }

    /** A pod whose verifier image was swapped after admission (or that got past the webhook) is reported. */
    @Test
    void aRunningPodWhoseVerifierDiffersFromTheInjectedOneIsReported() {
        cluster.create(source("swap-src", "https://models.example.com/swap/"));
        cluster.create(model("swap", "sdxl", "swap-src", file("sdxl.safetensors", SHA_A, 3, null)));
        await().atMost(WAIT).until(() -> cluster.isTrue("swap", "sdxl", ConditionType.READY));
        Pod pod = new PodBuilder().withNewMetadata().withName("comfy-swapped").withNamespace("swap")
                .addToAnnotations(PodModels.MODELS_ANNOTATION, "sdxl").endMetadata()
                .withNewSpec().addNewInitContainer().withName(PodModels.VERIFIER_CONTAINER).withImage("busybox:1.36")
                .withArgs("verify-pod").addNewVolumeMount().withName("models").withMountPath("/modelgate/volume")
                .endVolumeMount().endInitContainer()
                .addNewContainer().withName("app").withImage("comfyui").endContainer()
                .addNewVolume().withName("models").withNewEmptyDir().endEmptyDir().endVolume().endSpec()
                .withNewStatus().withPhase("Running").endStatus()
                .build();
        client.pods().inNamespace("swap").resource(pod).create();
        String expected = "pod comfy-swapped uses TrustedModel sdxl without the verifier ModelGate injects: its "
                + "modelgate-verifier runs image 'busybox:1.36' instead of '"
                + dev.modelgate.policy.PolicySettings.DEFAULT_VERIFIER_IMAGE + "'";
        await().atMost(WAIT).until(() -> cluster.events("swap", "Pod", "comfy-swapped").stream()
                .anyMatch(e -> "VerifierAltered".equals(e.getReason()) && "Warning".equals(e.getType())
                        && expected.equals(e.getMessage())));
    }

    @Test
    void aFailedVerifierIsRecordedOnEveryModelThePodNamesAndCountedOnce() {
        cluster.create(source("ver-src", "https://models.example.com/ver/"));
        cluster.create(model("ver", "sdxl", "ver-src", file("sdxl.safetensors", SHA_A, 3, null)));
        cluster.create(model("ver", "vae", "ver-src", file("vae.safetensors", SHA_B, 3, null)));
        await().atMost(WAIT).until(() -> cluster.isTrue("ver", "sdxl", ConditionType.READY));
        double before = metric("modelgate_verifications_total", Map.of("reason", "DigestMismatch"));

        String sentence = "sdxl.safetensors has sha256 " + SHA_B + " but TrustedModel ver/sdxl pins " + SHA_A
                + "; restore the approved file";
        Pod pod = new PodBuilder().withNewMetadata().withName("comfy-bad").withNamespace("ver")
                .addToAnnotations(PodModels.MODELS_ANNOTATION, "sdxl,vae").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("comfyui").endContainer().endSpec()
                .withNewStatus().withPhase("Pending").addNewInitContainerStatus().withName("modelgate-verifier")
                .withRestartCount(0).withNewState().withNewTerminated().withExitCode(1)
                .withFinishedAt("2026-05-01T10:00:00Z").withMessage("modelgate: DigestMismatch: " + sentence
                        + "\n{\"summary\":\"details\"}")
                .endTerminated().endState().endInitContainerStatus().endStatus()
                .build();
        client.pods().inNamespace("ver").resource(pod).create();

        for (String model : List.of("sdxl", "vae")) {
            await().atMost(WAIT).until(() -> cluster.model("ver", model).getStatus()
                    .getLastVerificationFailure() != null);
            VerificationFailure vf = cluster.model("ver", model).getStatus().getLastVerificationFailure();
            assertEquals("2026-05-01T10:00:00Z", vf.getTime());
            assertEquals("comfy-bad", vf.getPod());
            assertEquals("ver", vf.getNamespace());
            assertEquals("DigestMismatch", vf.getReason());
            assertEquals(sentence, vf.getMessage());
            String expected = "the verifier of pod comfy-bad refused TrustedModel " + model + " (DigestMismatch): "
                    + sentence;
            await().atMost(WAIT).until(() -> cluster.events("ver", "TrustedModel", model).stream()
                    .anyMatch(e -> "VerificationFailed".equals(e.getReason()) && expected.equals(e.getMessage())));
        }
        assertEquals(before + 1.0, metric("modelgate_verifications_total", Map.of("reason", "DigestMismatch")),
                "one failed pod run counts once, however many models it names");

        // A resync (here: the pod changes without a new failure) neither counts nor reports it again.
        Pod touched = client.pods().inNamespace("ver").withName("comfy-bad").get();
        touched.getMetadata().getLabels().put("touched", "yes");
        client.pods().inNamespace("ver").resource(touched).update();
        int events = cluster.events("ver", "TrustedModel", "sdxl").size();
        await().pollDelay(Duration.ofSeconds(2)).atMost(WAIT).until(() -> true);
        assertEquals(events, cluster.events("ver", "TrustedModel", "sdxl").size());
        assertEquals(before + 1.0, metric("modelgate_verifications_total", Map.of("reason", "DigestMismatch")));
    }

    @Test
    void reviewedScanExceptionsShowInTheStatusAndFollowTheSpec() {
        cluster.create(source("exc-src", "https://models.example.com/exc/"));
        TrustedModel tm = model("exc", "m", "exc-src", file("model.pt", SHA_A, 3, null),
                file("modeling_custom.py", SHA_B, 4, null));
        ScanSpec scan = new ScanSpec();
        scan.setAllowGlobals(List.of("mylib.layers.Custom", "mylib.layers.Other"));
        scan.setAllowCode(List.of("modeling_custom.py"));
        tm.getSpec().setScan(scan);
        cluster.create(tm);
        cluster.create(model("exc", "plain", "exc-src", file("m.safetensors", SHA_A, 3, null)));

        await().atMost(WAIT).until(() -> cluster.isTrue("exc", "m", ConditionType.READY));
        assertEquals("2 allowed globals, 1 reviewed code file", cluster.model("exc", "m").getStatus()
                .getScanExceptions());
        await().atMost(WAIT).until(() -> cluster.isTrue("exc", "plain", ConditionType.READY));
        assertEquals(null, cluster.model("exc", "plain").getStatus().getScanExceptions(),
                "a model without exceptions shows none");

        // Removing the reviewed code leaves only the globals in the status.
        TrustedModel edited = cluster.model("exc", "m");
        edited.getSpec().getScan().setAllowCode(List.of());
        client.resources(TrustedModel.class).resource(edited).update();
        await().atMost(WAIT).until(() -> "2 allowed globals".equals(cluster.model("exc", "m").getStatus()
                .getScanExceptions()));
    }

    @Test
    void reconcilingAgainWithNothingNewKeepsTheStatusAndItsTransitionTimes() {
        cluster.create(source("idem-src", "https://models.example.com/idem/"));
        cluster.create(model("idem", "m", "idem-src", file("m.safetensors", SHA_A, 3, null)));
        cluster.runningPod("idem", "p1", "m");
        await().atMost(WAIT).until(() -> cluster.isTrue("idem", "m", ConditionType.READY)
                && Integer.valueOf(1).equals(cluster.model("idem", "m").getStatus().getPods()));
        TrustedModelStatus first = cluster.model("idem", "m").getStatus();

        // An hour later, a second pod comes and goes: the model is reconciled twice more.
        clock.advance(Duration.ofHours(1));
        cluster.runningPod("idem", "p2", "m");
        await().atMost(WAIT).until(() -> Integer.valueOf(2).equals(cluster.model("idem", "m").getStatus()
                .getPods()));
        client.pods().inNamespace("idem").withName("p2").delete();
        await().atMost(WAIT).until(() -> Integer.valueOf(1).equals(cluster.model("idem", "m").getStatus()
                .getPods()));

        assertEquals(first, cluster.model("idem", "m").getStatus(),
                "same inputs, same status: conditions keep their lastTransitionTime");
    }

    @Test
    void aSourceCountsTheModelsNamingItAsTheyComeMoveAndGo() {
        cluster.create(source("count-src", "https://models.example.com/count/"));
        cluster.create(source("count-other", "https://models.example.com/count/"));
        cluster.create(model("count", "a", "count-src", file("a.safetensors", SHA_A, 3, null)));
        cluster.create(model("count", "b", "count-src", file("b.safetensors", SHA_A, 3, null)));
        await().atMost(WAIT).until(() -> models("count-src") == 2 && models("count-other") == 0);

        client.resources(TrustedModel.class).inNamespace("count").withName("b").edit(tm -> {
            tm.getSpec().setSource("count-other");
            return tm;
        });
        await().atMost(WAIT).until(() -> models("count-src") == 1 && models("count-other") == 1);

        // A deletion reaches no reconcile (ReconciledModels): the sweep drops the model's gauge and its source's count.
        await().atMost(WAIT).until(() -> cluster.isTrue("count", "a", ConditionType.READY));
        await().atMost(WAIT).until(() -> metric("modelgate_models", Map.of("state", "ready")) >= 2.0);
        double ready = metric("modelgate_models", Map.of("state", "ready"));
        client.resources(TrustedModel.class).inNamespace("count").withName("a").delete();
        await().atMost(WAIT).until(() -> models("count-src") == 0 && models("count-other") == 1);
        await().atMost(WAIT).until(() -> metric("modelgate_models", Map.of("state", "ready")) == ready - 1);
    }

    private int models(String source) {
        ModelSource s = cluster.source(source);
        return s == null || s.getStatus() == null || s.getStatus().getModels() == null ? -1 : s.getStatus().getModels();
    }

    @Test
    void aThousandModelsReconcileToReady() {
        cluster.create(source("bulk-src", "https://models.example.com/bulk/"));
        int n = 1000;
        for (int i = 0; i < n; i++) {
            cluster.create(model("bulk", "m-" + i, "bulk-src", file("m.safetensors", SHA_A, 3, null)));
        }
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> client
                .resources(TrustedModel.class).inNamespace("bulk").list().getItems().stream()
                .filter(tm -> tm.getStatus() != null
                        && Condition.find(tm.getStatus().getConditions(), ConditionType.READY)
                                .map(c -> "True".equals(c.getStatus())).orElse(false))
                .count() == n);
        await().atMost(WAIT).until(() -> Integer.valueOf(n).equals(cluster.source("bulk-src").getStatus()
                .getModels()));
    }

    @Test
    void theMetricsEndpointShowsTheOperatorsMetrics() {
        cluster.create(source("metric-src", "https://models.example.com/metric/"));
        cluster.create(model("metric", "m", "metric-src", file("m.safetensors", SHA_A, 3, null)));
        await().atMost(WAIT).until(() -> cluster.isTrue("metric", "m", ConditionType.READY));
        await().atMost(WAIT).until(() -> metric("modelgate_models", Map.of("state", "ready")) >= 1.0);
        assertTrue(metric("modelgate_reconcile_total", Map.of("kind", "TrustedModel", "result", "success")) >= 1.0);
        assertTrue(metric("modelgate_reconcile_total", Map.of("kind", "ModelSource", "result", "success")) >= 1.0);
        String body = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("modelgate_models{state=\"not_ready\"}", "modelgate_models{state=\"revoked\"}",
                "modelgate_models{state=\"review_due\"}", "modelgate_pods_using_revoked_models ")) {
            assertTrue(body.contains(name), "/q/metrics shows " + name);
        }
    }

    private static dev.modelgate.api.v1alpha1.SigningKey rsaKeyRevoked() {
        dev.modelgate.api.v1alpha1.SigningKey k = ecKey("old-rsa");
        k.setRevoked(true);
        k.setReason("leaked");
        return k;
    }

    private static TrustedModel signedModel(String ns, String name, String source) {
        TrustedModel tm = model(ns, name, source, file(name + ".safetensors", SHA_A, 3, null));
        tm.getSpec().setSignature(new SignatureSpec());
        return tm;
    }

    /**
     * An OCI model's artifact is checked in its registry in the background: present and matching is True; once the
     * manifest is deleted the next check says ManifestMissing. Ready follows the judges alone throughout.
     */
    @Test
    void anOciModelsArtifactIsCheckedInTheRegistryWithoutTouchingReady(@TempDir Path tmp) throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false)) {
            artifactChecker.insecureRegistries(Set.of(r.hostPort()));
            byte[] config = "{\"model_type\":\"qwen3\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] weights = new byte[4096];
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            String digest = layout.modelPack(OciLayout.files("config.json", config, "model.safetensors", weights),
                    "v1");
            r.push(layout, "v1", "models/qwen");

            ModelSource src = source("oci-src");
            src.getSpec().setOci(new OciSourceSpec(new ArrayList<>(List.of(new OciRepository(r.hostPort()
                    + "/models")))));
            cluster.create(src);
            TrustedModel tm = model("oci", "qwen", "oci-src",
                    file("config.json", OciLayout.sha256(config), config.length, null),
                    file("model.safetensors", OciLayout.sha256(weights), weights.length, null));
            tm.getSpec().setOci(new OciArtifactSpec(r.hostPort() + "/models/qwen@" + digest));
            cluster.create(tm);

            await().atMost(WAIT).until(() -> cluster.isTrue("oci", "qwen", ConditionType.ARTIFACT_AVAILABLE));
            Condition available = cluster.condition("oci", "qwen", ConditionType.ARTIFACT_AVAILABLE).orElseThrow();
            assertEquals("ManifestPresent", available.getReason());
            assertEquals(1L, available.getObservedGeneration());
            assertTrue(cluster.isTrue("oci", "qwen", ConditionType.READY));
            assertTrue(r.blobGets("models/qwen").isEmpty(), "the operator reads manifests only");

            r.deleteManifest("models/qwen", digest);
            // Within the interval (1h) nothing is asked again, whatever wakes the model ...
            cluster.runningPod("oci", "user-1", "qwen");
            await().atMost(WAIT).until(() -> Integer.valueOf(1).equals(cluster.model("oci", "qwen").getStatus()
                    .getPods()));
            assertTrue(cluster.isTrue("oci", "qwen", ConditionType.ARTIFACT_AVAILABLE));
            // ... once it has passed, the next reconcile checks again.
            clock.advance(Duration.ofMinutes(61));
            cluster.runningPod("oci", "user-2", "qwen");
            await().atMost(WAIT).until(() -> cluster.isFalse("oci", "qwen", ConditionType.ARTIFACT_AVAILABLE));
            Condition missing = cluster.condition("oci", "qwen", ConditionType.ARTIFACT_AVAILABLE).orElseThrow();
            assertEquals("ManifestMissing", missing.getReason(), missing.getMessage());
            assertTrue(missing.getMessage().startsWith("the artifact " + r.hostPort() + "/models/qwen@" + digest
                    + " of TrustedModel qwen is no longer in the registry"), missing.getMessage());
            assertTrue(cluster.isTrue("oci", "qwen", ConditionType.READY), "admission never waits on the registry");
        } finally {
            artifactChecker.insecureRegistries(Set.of());
        }
    }

    /**
     * A registry that needs credentials is checked with the source's pull Secret (read through the API in the
     * operator's namespace); without it the condition is Unknown and names the Secret.
     */
    @Test
    void theSourcesPullSecretReachesARegistryThatNeedsCredentials(@TempDir Path tmp) throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), true)) {
            artifactChecker.insecureRegistries(Set.of(r.hostPort()));
            byte[] weights = new byte[2048];
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            String digest = layout.modelPack(OciLayout.files("model.safetensors", weights), "v1");
            r.push(layout, "v1", "models/auth");

            ModelSource src = source("oci-auth-src");
            OciRepository repo = new OciRepository(r.hostPort() + "/models");
            repo.setPullSecret(new dev.modelgate.api.v1alpha1.SecretRef("registry-pull", null));
            src.getSpec().setOci(new OciSourceSpec(new ArrayList<>(List.of(repo))));
            cluster.create(src);
            TrustedModel tm = model("oci-auth", "auth", "oci-auth-src",
                    file("model.safetensors", OciLayout.sha256(weights), weights.length, null));
            tm.getSpec().setOci(new OciArtifactSpec(r.hostPort() + "/models/auth@" + digest));
            cluster.create(tm);

            await().atMost(WAIT).until(() -> cluster.condition("oci-auth", "auth", ConditionType.ARTIFACT_AVAILABLE)
                    .filter(c -> "CredentialsUnavailable".equals(c.getReason())).isPresent());
            Condition unknown = cluster.condition("oci-auth", "auth", ConditionType.ARTIFACT_AVAILABLE).orElseThrow();
            assertEquals("Unknown", unknown.getStatus());
            assertTrue(unknown.getMessage().contains("the pull Secret modelgate-system/registry-pull cannot be used: "
                    + "it does not exist"), unknown.getMessage());

            client.secrets().inNamespace("modelgate-system").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                    .withNewMetadata().withName("registry-pull").withNamespace("modelgate-system").endMetadata()
                    .withType("kubernetes.io/dockerconfigjson")
                    .addToData(".dockerconfigjson", java.util.Base64.getEncoder().encodeToString(r.dockerConfig()))
                    .build()).create();
            ModelSource changed = cluster.source("oci-auth-src");
            changed.getSpec().getOci().getRepositories().add(new OciRepository(r.hostPort() + "/other"));
            client.resources(ModelSource.class).resource(changed).update();
            await().atMost(WAIT).until(() -> cluster.isTrue("oci-auth", "auth", ConditionType.ARTIFACT_AVAILABLE));
        } finally {
            artifactChecker.insecureRegistries(Set.of());
        }
    }

    /** The sum of the samples of {@code name} whose labels include {@code labels}; 0 when there are none. */
    static double metric(String name, Map<String, String> labels) {
        String body = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(body);
        double sum = 0;
        List<String> seen = new ArrayList<>();
        while (m.find()) {
            String l = m.group(1) == null ? "" : m.group(1);
            seen.add(l);
            if (labels.entrySet().stream().allMatch(e -> l.contains(e.getKey() + "=\"" + e.getValue() + "\""))) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        assertNotNull(seen);
        return sum;
    }
}
