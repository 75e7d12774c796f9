package dev.modelgate.policy;

import static dev.modelgate.policy.PlanFixtures.SHA_A;
import static dev.modelgate.policy.PlanFixtures.SHA_B;
import static dev.modelgate.policy.PlanFixtures.file;
import static dev.modelgate.policy.PlanFixtures.model;
import static dev.modelgate.policy.PlanFixtures.source;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.Revocation;
import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.api.v1alpha1.ScanSpec;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.integrity.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class VerificationPlanTest {

    private static final String PEM = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n";

    private static TrustedModel sdxl() {
        return model("comfyui", "sdxl-base", "stability-ai",
                file("checkpoints/sdxl.safetensors", SHA_A, 123, "https://models.example/stability/sdxl.safetensors"),
                file("vae/sdxl-vae.safetensors", SHA_B, 45, null));
    }

    private static Map<String, ModelSource> sources() {
        Map<String, ModelSource> m = new LinkedHashMap<>();
        m.put("stability-ai", PlanFixtures.withKey(source("stability-ai", "https://models.example/stability"),
                true, "release-2026", PEM));
        m.put("unused", source("unused", "https://other.example/"));
        return m;
    }

    private static VerificationPlan plan() {
        return PlanBuilder.build(List.of(sdxl()), sources(), PlanSettings.defaults().withIgnore(List.of("lost+found/**")));
    }

    @Test
    void canonicalBytesAreExactlyTheDocumentedShape() {
        String expected = "{\"apiVersion\":\"modelgate.dev/plan/v1\",\"volume\":\"models\",\"root\":\"/modelgate/volume\","
                + "\"strict\":true,\"ignore\":[\"/.gitattributes\",\"/.cache/huggingface/.gitignore\","
                + "\"/.cache/huggingface/download/**.metadata\",\"/.cache/huggingface/download/**.lock\","
                + "\"lost+found/**\"],"
                + "\"models\":[{\"name\":\"sdxl-base\",\"namespace\":\"comfyui\",\"source\":\"stability-ai\","
                + "\"manifestDigest\":\"" + dev.modelgate.policy.ModelManifests.manifest(sdxl()).digest() + "\","
                + "\"scanPolicy\":\"enforce\",\"signature\":{\"required\":true,\"bundlePath\":\"model.sig\"},"
                + "\"files\":[{\"path\":\"checkpoints/sdxl.safetensors\",\"sha256\":\"" + SHA_A + "\",\"size\":123,"
                + "\"url\":\"https://models.example/stability/sdxl.safetensors\"},"
                + "{\"path\":\"vae/sdxl-vae.safetensors\",\"sha256\":\"" + SHA_B + "\",\"size\":45,\"url\":null}]}],"
                + "\"sources\":{\"stability-ai\":{\"urls\":[\"https://models.example/stability\"],\"caBundle\":null,"
                + "\"signingRequired\":true,\"keys\":[{\"name\":\"release-2026\",\"publicKey\":"
                + "\"-----BEGIN PUBLIC KEY-----\\nMFkw\\n-----END PUBLIC KEY-----\\n\",\"notBefore\":null,"
                + "\"notAfter\":null,\"revoked\":false,\"reason\":null}],\"certificates\":null,\"keyless\":null}}}";
        assertEquals(expected, plan().toJson());
        assertEquals(HexFormat.of().formatHex(Sha256.newDigest().digest(expected.getBytes(StandardCharsets.UTF_8))),
                plan().sha256());
    }

    @Test
    void sameInputsGiveSameBytesAndFileOrderDoesNotMatter() {
        TrustedModel reordered = sdxl();
        java.util.Collections.reverse(reordered.getSpec().getFiles());
        assertArrayEquals(plan().toJsonBytes(), plan().toJsonBytes());
        assertEquals(plan().sha256(), PlanBuilder.build(List.of(reordered), sources(),
                PlanSettings.defaults().withIgnore(List.of("lost+found/**"))).sha256());
    }

    @Test
    void roundTripGivesIdenticalBytes() {
        VerificationPlan p = plan();
        VerificationPlan back = VerificationPlan.fromJson(p.toJson());
        assertEquals(p, back);
        assertArrayEquals(p.toJsonBytes(), back.toJsonBytes());
    }

    @Test
    void reviewedScanExceptionsTravelInThePlanAndOnlyWhenSet() {
        String before = plan().toJson();
        assertFalse(before.contains("allowGlobals") || before.contains("allowCode"), before);
        TrustedModel tm = sdxl();
        tm.getSpec().setScan(new dev.modelgate.api.v1alpha1.ScanSpec());
        tm.getSpec().getScan().setAllowGlobals(List.of("my_lib.models.Net", "argparse.Namespace"));
        tm.getSpec().getScan().setAllowCode(List.of("modeling_x.py"));
        VerificationPlan p = PlanBuilder.build(List.of(tm), sources(),
                PlanSettings.defaults().withIgnore(List.of("lost+found/**")));
        assertEquals(List.of("argparse.Namespace", "my_lib.models.Net"), p.models().get(0).allowGlobals());
        assertEquals(List.of("modeling_x.py"), p.models().get(0).allowCode());
        assertEquals(p, VerificationPlan.fromJson(p.toJson()));
        assertNotEquals(plan().sha256(), p.sha256(), "an exception changes what is verified, so the digest");
        String wild = p.toJson().replace("my_lib.models.Net", "my_lib.*");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VerificationPlan.fromJson(wild)).getMessage()
                .contains("allowGlobals"));
    }

    @Test
    void nonAsciiSurvivesTheRoundTrip() {
        TrustedModel tm = model("comfyui", "lora", "stability-ai", file("loras/stíl €.safetensors", SHA_A, 1, null));
        VerificationPlan p = PlanBuilder.build(List.of(tm), sources(), PlanSettings.defaults());
        String json = new String(p.toJsonBytes(), StandardCharsets.UTF_8);
        assertTrue(json.contains("st\\u00EDl \\u20AC"), json);
        assertTrue(json.chars().allMatch(c -> c < 128), "the plan is pure ASCII");
        assertEquals("loras/stíl €.safetensors", VerificationPlan.fromJson(json).models().get(0).files().get(0).path());
        assertEquals(p.sha256(), VerificationPlan.fromJson(p.toJson()).sha256());
    }

    @Test
    void onlyTheSourcesTheModelsNameAreEmbedded() {
        assertEquals(List.of("stability-ai"), List.copyOf(plan().sources().keySet()));
    }

    private static String digestAfter(Consumer<TrustedModel> modelChange, Consumer<ModelSource> sourceChange) {
        TrustedModel tm = sdxl();
        modelChange.accept(tm);
        Map<String, ModelSource> s = sources();
        sourceChange.accept(s.get("stability-ai"));
        return PlanBuilder.build(List.of(tm), s, PlanSettings.defaults().withIgnore(List.of("lost+found/**"))).sha256();
    }

    @Test
    void digestChangesWhenAnyFileOrKeyChanges() {
        String base = plan().sha256();
        Consumer<TrustedModel> noModel = tm -> { };
        Consumer<ModelSource> noSource = ms -> { };
        assertEquals(base, digestAfter(noModel, noSource));
        List<String> changed = List.of(
                digestAfter(tm -> tm.getSpec().getFiles().get(1).setSha256("c".repeat(64)), noSource),
                digestAfter(tm -> tm.getSpec().getFiles().get(1).setSize(46), noSource),
                digestAfter(tm -> tm.getSpec().getFiles().get(1).setPath("vae/other.safetensors"), noSource),
                digestAfter(tm -> tm.getSpec().getFiles().get(1).setUrl("https://models.example/stability/v"),
                        noSource),
                digestAfter(tm -> tm.getSpec().setScan(new ScanSpec(ScanPolicy.WARN)), noSource),
                digestAfter(tm -> PlanFixtures.withBundle(tm, "sig/model.sig"), noSource),
                digestAfter(noModel, ms -> ms.getSpec().getSigning().getKeys().get(0).setRevoked(true)),
                digestAfter(noModel, ms -> ms.getSpec().getSigning().getKeys().get(0).setNotAfter(
                        "2027-01-01T00:00:00Z")),
                digestAfter(noModel, ms -> ms.getSpec().getSigning().getKeys().get(0).setPublicKey(PEM + " ")),
                digestAfter(noModel, ms -> PlanFixtures.withKey(ms, true, "second", PEM)),
                digestAfter(noModel, ms -> PlanFixtures.withCa(ms, "-----BEGIN CERTIFICATE-----\n")),
                digestAfter(noModel, ms -> ms.getSpec().getUrls().add("https://mirror.example/")));
        for (int i = 0; i < changed.size(); i++) {
            assertNotEquals(base, changed.get(i), "change #" + i + " must change the plan digest");
        }
        assertEquals(changed.size(), changed.stream().distinct().count(), "every change gives its own digest");
    }

    @Test
    void settingsAreInThePlan() {
        VerificationPlan p = PlanBuilder.build(List.of(sdxl()), sources(),
                new PlanSettings("weights", "/mnt/w", false, List.of("*.tmp"), ScanPolicy.WARN));
        assertEquals("weights", p.volume());
        assertEquals("/mnt/w", p.root());
        assertFalse(p.strict());
        // the hub metadata globs every plan carries come first, then the cluster's own
        assertEquals(List.of("/.gitattributes", "/.cache/huggingface/.gitignore",
                "/.cache/huggingface/download/**.metadata", "/.cache/huggingface/download/**.lock", "*.tmp"),
                p.ignore());
        assertEquals(ScanPolicy.WARN, p.models().get(0).scanPolicy());
        assertNotEquals(plan().sha256(), p.sha256());
    }

    @Test
    void signatureIsNullWhenNeitherRequiredNorDeclared() {
        Map<String, ModelSource> s = Map.of("stability-ai", source("stability-ai", "https://models.example/stability"));
        VerificationPlan p = PlanBuilder.build(List.of(sdxl()), s, PlanSettings.defaults());
        assertNull(p.models().get(0).signature());
        TrustedModel declared = PlanFixtures.withBundle(sdxl(), "sig/m.sig");
        VerificationPlan q = PlanBuilder.build(List.of(declared), s, PlanSettings.defaults());
        assertEquals(new VerificationPlan.Signature(false, "sig/m.sig"), q.models().get(0).signature());
    }

    // ---- builder refusals ----

    @Test
    void builderNamesTheModelWhenItsSourceIsMissing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlanBuilder.build(List.of(sdxl()), Map.of(), PlanSettings.defaults()));
        assertEquals("TrustedModel comfyui/sdxl-base: ModelSource stability-ai does not exist; create it or correct "
                + "spec.source", e.getMessage());
    }

    @Test
    void builderRefusesAUrlOutsideTheSourcePrefixes() {
        TrustedModel tm = sdxl();
        tm.getSpec().getFiles().get(0).setUrl("https://models.example/stability-evil/sdxl.safetensors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlanBuilder.build(List.of(tm), sources(), PlanSettings.defaults()));
        assertEquals("TrustedModel comfyui/sdxl-base: spec.files[0].url: url "
                + "'https://models.example/stability-evil/sdxl.safetensors' is not under any of the source's urls "
                + "[https://models.example/stability] (ModelSource stability-ai)", e.getMessage());
    }

    @Test
    void builderRefusesConflictingPathsAndRepeatedModels() {
        TrustedModel other = model("comfyui", "other", "stability-ai", file("vae/sdxl-vae.safetensors", SHA_A, 45, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlanBuilder.build(List.of(sdxl(), other), sources(), PlanSettings.defaults()));
        assertEquals("the pod's models disagree: path 'vae/sdxl-vae.safetensors' is declared by both TrustedModel "
                + "comfyui/sdxl-base and TrustedModel comfyui/other with different contents", e.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> PlanBuilder.build(List.of(sdxl(), sdxl()), sources(), PlanSettings.defaults()));
        assertEquals("TrustedModel comfyui/sdxl-base is listed twice", twice.getMessage());
    }

    @Test
    void builderRefusesAnInvalidFile() {
        TrustedModel tm = sdxl();
        tm.getSpec().getFiles().get(0).setPath("../etc/passwd");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlanBuilder.build(List.of(tm), sources(), PlanSettings.defaults()));
        assertTrue(e.getMessage().startsWith("TrustedModel comfyui/sdxl-base: spec.files[0].path: "), e.getMessage());
    }

    @Test
    void sharedFilesWithEqualContentAreAllowed() {
        TrustedModel vae = model("comfyui", "sdxl-vae", "stability-ai", file("vae/sdxl-vae.safetensors", SHA_B, 45, null));
        VerificationPlan p = PlanBuilder.build(List.of(sdxl(), vae), sources(), PlanSettings.defaults());
        assertEquals(List.of("sdxl-base", "sdxl-vae"), p.models().stream().map(VerificationPlan.Model::name).toList());
        assertEquals(2, p.manifest().size());
        // Revocation is the webhook's decision, not the plan's: the plan carries only what the verifier checks.
        vae.getSpec().setRevoked(new Revocation("bad"));
        assertEquals(p.sha256(), PlanBuilder.build(List.of(sdxl(), vae), sources(), PlanSettings.defaults()).sha256());
    }

    // ---- strict parsing ----

    private static String mutate(String from, String to) {
        String json = plan().toJson();
        assertTrue(json.contains(from), "fixture contains " + from);
        return json.replace(from, to);
    }

    private static String parseError(String json) {
        return assertThrows(IllegalArgumentException.class, () -> VerificationPlan.fromJson(json)).getMessage();
    }

    @Test
    void unknownFieldsAreRefusedByName() {
        assertEquals("plan field 'models[0].files[0].mode' is not known to this verifier (modelgate.dev/plan/v1); "
                + "the plan and the verifier image do not match",
                parseError(mutate("\"size\":123,", "\"size\":123,\"mode\":\"0644\",")));
        assertEquals("plan field 'extra' is not known to this verifier (modelgate.dev/plan/v1); the plan and the "
                + "verifier image do not match", parseError(mutate("\"strict\":true,", "\"strict\":true,\"extra\":1,")));
    }

    @Test
    void wrongTypesAreRefusedByName() {
        assertEquals("plan field 'models[0].files[0].size' must be a non-negative integer, not \"123\"",
                parseError(mutate("\"size\":123", "\"size\":\"123\"")));
        assertEquals("plan field 'models[0].files[0].size' must be a non-negative integer, not 123.0",
                parseError(mutate("\"size\":123", "\"size\":123.0")));
        assertEquals("plan field 'models[0].files[0].size' must be a non-negative integer, not -1",
                parseError(mutate("\"size\":123", "\"size\":-1")));
        assertEquals("plan field 'strict' must be true or false, not \"yes\"",
                parseError(mutate("\"strict\":true", "\"strict\":\"yes\"")));
        assertEquals("plan field 'models[0].scanPolicy' is 'paranoid'; expected enforce, warn or off",
                parseError(mutate("\"scanPolicy\":\"enforce\"", "\"scanPolicy\":\"paranoid\"")));
        assertEquals("plan field 'sources.stability-ai.keys[0].revoked' is missing",
                parseError(mutate("\"revoked\":false", "\"revoked\":null")));
    }

    @Test
    void missingFieldsAreRefusedByName() {
        assertEquals("plan field 'models[0].manifestDigest' is missing",
                parseError(mutate("\"manifestDigest\":", "\"manifestDigestX\":").replaceAll(
                        "\"manifestDigestX\":\"[^\"]*\",", "")));
        assertEquals("plan field 'volume' is missing", parseError(mutate("\"volume\":\"models\",", "")));
        assertEquals("plan field 'models' must be a non-empty array of models",
                parseError("{\"apiVersion\":\"modelgate.dev/plan/v1\",\"volume\":\"m\",\"root\":\"/v\",\"strict\":true,"
                        + "\"ignore\":[],\"models\":[],\"sources\":{}}"));
    }

    @Test
    void contentErrorsAreRefusedByName() {
        assertEquals("plan field 'apiVersion' is 'modelgate.dev/plan/v2'; this verifier reads modelgate.dev/plan/v1 "
                + "plans only", parseError(mutate("plan/v1", "plan/v2")));
        assertTrue(parseError(mutate("\"checkpoints/sdxl.safetensors\"", "\"../sdxl.safetensors\""))
                .startsWith("plan field 'models[0].files[0].path': "));
        assertEquals("plan field 'models[0].files[0].url' is 'http://models.example/stability/sdxl.safetensors', not an "
                + "https:// URL; plain HTTP is never used",
                parseError(mutate("\"url\":\"https://", "\"url\":\"http://")));
        assertTrue(parseError(mutate("\"root\":\"/modelgate/volume\"", "\"root\":\"volume\""))
                .equals("plan field 'root' must be an absolute path, not 'volume'"));
        String digest = plan().models().get(0).manifestDigest();
        assertEquals("plan field 'models[0].manifestDigest' is sha256:" + "0".repeat(64)
                + " but the model's files give " + digest,
                parseError(mutate(digest, "sha256:" + "0".repeat(64))));
        assertEquals("plan field 'models[0].files[0].url': url 'https://models.example/stability-evil/sdxl.safetensors'"
                + " is not under any of the source's urls [https://models.example/stability]",
                parseError(mutate("stability/sdxl", "stability-evil/sdxl")));
        assertEquals("plan field 'models[0].source' names 'nobody', which is not in the plan's sources",
                parseError(mutate("\"source\":\"stability-ai\"", "\"source\":\"nobody\"")));
    }

    @Test
    void malformedJsonIsOneSentence() {
        String m = parseError(plan().toJson().substring(0, 100));
        assertTrue(m.startsWith("the plan is not valid JSON ("), m);
        assertFalse(m.contains("\n"));
        assertTrue(parseError(mutate("\"strict\":true,", "\"strict\":true,\"strict\":true,"))
                .contains("Duplicate field 'strict'"));
        assertTrue(parseError(plan().toJson() + "{}").startsWith("the plan is not valid JSON ("));
        assertEquals("the plan is empty; the verifier needs the plan JSON the webhook embeds", parseError(" "));
    }

    @Test
    void podContractParsesTheModelsAnnotation() {
        assertEquals(List.of("sdxl-base", "sdxl-vae"), PodContract.modelNames(" sdxl-base, sdxl-vae ,sdxl-base"));
        assertEquals("annotation modelgate.dev/models 'a,,b' has an empty entry; list the TrustedModel names separated "
                + "by single commas", assertThrows(IllegalArgumentException.class,
                        () -> PodContract.modelNames("a,,b")).getMessage());
        assertEquals("metadata.annotations['modelgate.dev/plan-sha256']", PodContract.PLAN_SHA256_FIELD_PATH);
    }
}
