package dev.modelgate.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.policy.AdmissionFixtures;
import dev.modelgate.policy.PodPolicy;
import dev.modelgate.policy.PolicySnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Fail closed: an error while deciding, or caches not yet synced, is a refusal that names the request uid. */
class AdmissionServiceTest {

    private static AdmissionService service(boolean synced, PolicySnapshot snapshot) {
        AdmissionService s = new AdmissionService();
        s.caches = new AdmissionCaches() {
            @Override
            public boolean synced() {
                return synced;
            }
        };
        s.metrics = new SimpleMeterRegistry();
        s.policy = new PodPolicy(AdmissionFixtures.settings(), snapshot, () -> AdmissionFixtures.NOW);
        return s;
    }

    private static AdmissionReviews.Request request() throws Exception {
        JsonNode pod = AdmissionFixtures.podFromTemplate(AdmissionFixtures.object("workloads/comfyui-deployment.yaml"),
                "p");
        byte[] body = WebhookClient.JSON.writeValueAsBytes(WebhookClient.review("CREATE", pod, null, null, "alice"));
        return AdmissionReviews.parse(body);
    }

    private static final PolicySnapshot BROKEN = new PolicySnapshot() {
        @Override
        public Optional<TrustedModel> trustedModel(String namespace, String name) {
            throw new IllegalStateException("store corrupted");
        }

        @Override
        public Optional<ModelSource> modelSource(String name) {
            throw new IllegalStateException("store corrupted");
        }

        @Override
        public Optional<Map<String, String>> namespaceLabels(String namespace) {
            return Optional.of(Map.of("modelgate.dev/enforce", "true"));
        }

        @Override
        public Optional<Map<String, String>> claimLabels(String namespace, String claim) {
            return Optional.empty();
        }
    };

    @Test
    void anErrorWhileDecidingIsARefusalNamingTheUid() throws Exception {
        AdmissionReviews.Request r = request();
        for (byte[] answer : new byte[][] {service(true, BROKEN).validate(r), service(true, BROKEN).mutate(r)}) {
            JsonNode resp = WebhookClient.JSON.readTree(answer).path("response");
            assertEquals(r.uid(), resp.path("uid").asText());
            assertFalse(resp.path("allowed").asBoolean());
            assertEquals("ModelGate refused request " + r.uid() + " because of an internal error while deciding "
                    + "(IllegalStateException); nothing is admitted unjudged: see the ModelGate log for this uid",
                    resp.at("/status/message").asText());
        }
    }

    @Test
    void nothingIsAdmittedBeforeTheCachesSynced() throws Exception {
        AdmissionReviews.Request r = request();
        JsonNode resp = WebhookClient.JSON.readTree(service(false, AdmissionFixtures.snapshot()).validate(r))
                .path("response");
        assertFalse(resp.path("allowed").asBoolean());
        assertEquals("ModelGate is starting and its caches of TrustedModels, ModelSources, Namespaces and "
                + "PersistentVolumeClaims are not synced yet (request " + r.uid() + "), so nothing can be admitted; "
                + "retry in a few seconds", resp.at("/status/message").asText());
    }
}
