package dev.modelgate.policy;

import static dev.modelgate.policy.PolicyFixtures.SHA_A;
import static dev.modelgate.policy.PolicyFixtures.file;
import static dev.modelgate.policy.PolicyFixtures.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.ModelSourceSpec;
import dev.modelgate.api.v1alpha1.OciArtifactSpec;
import dev.modelgate.api.v1alpha1.OciRepository;
import dev.modelgate.api.v1alpha1.OciSourceSpec;
import dev.modelgate.api.v1alpha1.TrustedModel;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OciTrustTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final String D = "sha256:" + "cd".repeat(32);

    static ModelSource registrySource(String name, String... prefixes) {
        ModelSource s = new ModelSource();
        s.setMetadata(new ObjectMetaBuilder().withName(name).build());
        ModelSourceSpec spec = new ModelSourceSpec();
        spec.setUrls(List.of());
        spec.setOci(new OciSourceSpec(java.util.Arrays.stream(prefixes).map(OciRepository::new).toList()));
        s.setSpec(spec);
        return s;
    }

    static TrustedModel ociModel(String reference) {
        TrustedModel tm = model("mlx", "qwen", "acme", file("model.safetensors", SHA_A, 10, null));
        tm.getSpec().setOci(new OciArtifactSpec(reference));
        return tm;
    }

    @Test
    void registryOnlySourceIsReady() {
        SourceVerdict v = SourceJudge.judge(registrySource("acme", "ghcr.io/acme/models"), NOW);
        assertTrue(v.ready(), v.message());
    }

    @Test
    void sourceWithNeitherUrlsNorRepositoriesIsNotReady() {
        ModelSource s = registrySource("acme");
        s.getSpec().setOci(null);
        SourceVerdict v = SourceJudge.judge(s, NOW);
        assertFalse(v.ready());
        assertEquals("NoUrls", v.reason());
    }

    @Test
    void modelUnderTheSourcesRepositoryIsReady() {
        ModelVerdict v = ModelJudge.judge(ociModel("ghcr.io/acme/models/qwen@" + D),
                registrySource("acme", "ghcr.io/acme/models"), NOW);
        assertTrue(v.ready(), v.message());
    }

    @Test
    void modelInAnotherRepositoryIsNotReady() {
        ModelVerdict v = ModelJudge.judge(ociModel("ghcr.io/acme/models-evil/qwen@" + D),
                registrySource("acme", "ghcr.io/acme/models"), NOW);
        assertFalse(v.ready());
        assertEquals("ReferenceOutsideSource", v.reason());
        assertTrue(v.message().contains("ghcr.io/acme/models-evil/qwen@" + D), v.message());
        assertTrue(v.message().contains("add its repository to the source"), v.message());
    }

    @Test
    void modelFromASourceWithoutRepositoriesIsNotReady() {
        ModelSource s = registrySource("acme", "ghcr.io/acme/models");
        s.getSpec().setOci(null);
        s.getSpec().setUrls(List.of("https://models.example.com/"));
        ModelVerdict v = ModelJudge.judge(ociModel("ghcr.io/acme/models/qwen@" + D), s, NOW);
        assertFalse(v.ready());
        assertEquals("ReferenceOutsideSource", v.reason());
        assertTrue(v.message().contains("lists no spec.oci.repositories"), v.message());
    }

    @Test
    void taggedReferenceReadFromAFileIsNotReady() {
        ModelVerdict v = ModelJudge.judge(ociModel("ghcr.io/acme/models/qwen:latest"),
                registrySource("acme", "ghcr.io/acme/models"), NOW);
        assertFalse(v.ready());
        assertTrue(v.message().contains("pin the artifact by its manifest digest"), v.message());
    }

    @Test
    void registryOnlySourceGivesAPlanThatDownloadsNothing() {
        ModelSource src = registrySource("acme", "ghcr.io/acme/models");
        TrustedModel tm = ociModel("ghcr.io/acme/models/qwen@" + D);
        VerificationPlan plan = PlanBuilder.build(List.of(tm), java.util.Map.of("acme", src),
                new PlanSettings("models", "/models", true, List.of(), null));
        VerificationPlan parsed = VerificationPlan.fromJson(plan.toJson());
        assertEquals(List.of(), parsed.sources().get("acme").urls());
        ModelSource none = registrySource("acme");
        none.getSpec().setOci(null);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PlanBuilder.build(List.of(tm), java.util.Map.of("acme", none),
                        new PlanSettings("models", "/models", true, List.of(), null)));
        assertTrue(e.getMessage().contains("lists no urls"), e.getMessage());
    }
}
