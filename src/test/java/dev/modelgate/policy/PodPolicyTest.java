package dev.modelgate.policy;

import static dev.modelgate.policy.AdmissionFixtures.IMAGE;
import static dev.modelgate.policy.AdmissionFixtures.NOW;
import static dev.modelgate.policy.AdmissionFixtures.apply;
import static dev.modelgate.policy.AdmissionFixtures.create;
import static dev.modelgate.policy.AdmissionFixtures.object;
import static dev.modelgate.policy.AdmissionFixtures.podFromTemplate;
import static dev.modelgate.policy.AdmissionFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.api.v1alpha1.ScanPolicy;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The admission decision as a pure function, on the realistic fixtures under src/test/resources/admission. */
class PodPolicyTest {

    private final ManifestSnapshot snapshot = AdmissionFixtures.snapshot();
    private final PodPolicy policy = new PodPolicy(AdmissionFixtures.settings(), snapshot, () -> NOW);

    private ObjectNode mutated(ObjectNode pod) {
        return apply(policy.mutate(create(pod)), pod);
    }

    private static List<PodRule> rules(AdmissionDecision d) {
        return d.violations().stream().map(Violation::rule).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"comfyui-deployment.yaml", "fooocus-deployment.yaml", "mlx-job.yaml"})
    void annotatedWorkloadsAndTheirPodsAreAdmittedAfterMutation(String file) {
        ObjectNode workload = object("workloads/" + file);
        AdmissionDecision d = policy.validate(create(workload));
        assertTrue(d.allowed(), d::toString);
        assertEquals("allow", d.verdict());

        ObjectNode pod = podFromTemplate(workload, "p-1");
        ArrayNode patch = policy.mutate(create(pod));
        ObjectNode after = apply(patch, pod);
        AdmissionDecision pd = policy.validate(create(after));
        assertTrue(pd.allowed(), pd::toString);
        assertEquals(List.of(), pd.violations());
        // The verifier is the last init-container, carries the plan, and its digest is annotated.
        JsonNode inits = after.at("/spec/initContainers");
        JsonNode verifier = inits.get(inits.size() - 1);
        assertEquals(PodContract.INIT_CONTAINER_NAME, verifier.path("name").asText());
        assertEquals(IMAGE, verifier.path("image").asText());
        VerificationPlan plan = VerificationPlan.fromJson(VerifierContainer.planOf(verifier));
        assertEquals(plan.sha256(), after.at("/metadata/annotations").path(PodContract.ANNOTATION_PLAN_SHA256).asText());
        // Idempotent: mutating the mutated pod changes nothing.
        assertEquals(0, policy.mutate(create(after)).size());
    }

    /**
     * Plans of objects stored by an API server are built once per version; a new version of any input must give
     * the new plan at once, and the validating step must refuse a pod that still carries the old one.
     */
    @Test
    void aCachedPlanIsNeverServedForChangedObjects() {
        ManifestSnapshot stored = AdmissionFixtures.snapshot();
        var base = stored.trustedModel("comfyui", "sdxl-base").orElseThrow();
        var vae = stored.trustedModel("comfyui", "sdxl-vae").orElseThrow();
        var source = stored.modelSource(base.getSpec().getSource()).orElseThrow();
        for (var o : List.of(base, vae, source)) {
            o.getMetadata().setUid("uid-" + o.getMetadata().getName());
            o.getMetadata().setResourceVersion("1");
        }
        PodPolicy cached = new PodPolicy(AdmissionFixtures.settings(), stored, () -> NOW);
        ObjectNode pod = podFromTemplate(object("workloads/comfyui-deployment.yaml"), "p-cache");
        ObjectNode first = apply(cached.mutate(create(pod)), pod);
        String firstSha = first.at("/metadata/annotations").path(PodContract.ANNOTATION_PLAN_SHA256).asText();
        assertEquals(firstSha, apply(cached.mutate(create(pod)), pod).at("/metadata/annotations")
                .path(PodContract.ANNOTATION_PLAN_SHA256).asText());
        assertTrue(cached.validate(create(first)).allowed());

        // The model is re-approved with another digest: a new resourceVersion, a new plan.
        vae.getSpec().getFiles().get(0).setSha256("0".repeat(64));
        vae.getMetadata().setResourceVersion("2");
        ObjectNode second = apply(cached.mutate(create(pod)), pod);
        String secondSha = second.at("/metadata/annotations").path(PodContract.ANNOTATION_PLAN_SHA256).asText();
        assertFalse(firstSha.equals(secondSha), "the plan follows the new model version");
        assertEquals(List.of(PodRule.PLAN_MISMATCH), rules(cached.validate(create(first))));
        assertTrue(cached.validate(create(second)).allowed());
        assertEquals(secondSha, apply(new PodPolicy(AdmissionFixtures.settings(), stored, () -> NOW)
                .mutate(create(pod)), pod).at("/metadata/annotations").path(PodContract.ANNOTATION_PLAN_SHA256)
                .asText(), "the same plan an uncached policy builds");
    }

    @Test
    void mutationForcesEveryOtherMountOfTheModelVolumeReadOnly() {
        ObjectNode pod = podFromTemplate(object("workloads/comfyui-deployment.yaml"), "p-2");
        ((ObjectNode) pod.at("/spec/containers/0/volumeMounts/0")).remove("readOnly");
        ArrayNode patch = policy.mutate(create(pod));
        assertEquals("{\"op\":\"add\",\"path\":\"/spec/containers/0/volumeMounts/0/readOnly\",\"value\":true}",
                patch.get(0).toString());
        ObjectNode after = apply(patch, pod);
        assertTrue(after.at("/spec/containers/0/volumeMounts/0/readOnly").asBoolean());
        assertFalse(after.at("/spec/containers/0/volumeMounts/1").has("readOnly"), "other volumes are untouched");
        // The verifier alone mounts the volume writable.
        JsonNode verifierMount = after.at("/spec/initContainers/0/volumeMounts/0");
        assertEquals("models", verifierMount.path("name").asText());
        assertEquals(PodContract.VOLUME_MOUNT_PATH, verifierMount.path("mountPath").asText());
        assertFalse(verifierMount.has("readOnly"));
    }

    @Test
    void aPodWithoutAnnotationsGetsNoAnnotationsObjectPatchOnlyWhenNeeded() {
        ObjectNode pod = podFromTemplate(object("workloads/mlx-job.yaml"), "p-3");
        ObjectNode meta = (ObjectNode) pod.get("metadata");
        // annotations exist (models): the digest is added as one member
        ArrayNode patch = policy.mutate(create(pod));
        assertTrue(patch.toString().contains("\"path\":\"/metadata/annotations/modelgate.dev~1plan-sha256\""),
                patch::toString);
        assertTrue(meta.has("annotations"));
    }

    @Test
    void existingVerifierOutOfPlaceIsReplacedByTheCurrentOneAtTheEnd() {
        ObjectNode pod = mutated(podFromTemplate(object("workloads/fooocus-deployment.yaml"), "p-4"));
        // Another webhook appended an init-container after ours: re-invocation moves the verifier last again.
        ArrayNode inits = (ArrayNode) pod.at("/spec/initContainers");
        inits.addObject().put("name", "istio-init").put("image", "istio/proxyv2:1.24.0");
        AdmissionDecision before = policy.validate(create(pod));
        // (the verifier, no longer last, is also just another writable mount)
        assertTrue(rules(before).contains(PodRule.VERIFIER_NOT_LAST), before::toString);
        assertFalse(before.allowed());
        ObjectNode again = mutated(pod);
        JsonNode last = again.at("/spec/initContainers").get(again.at("/spec/initContainers").size() - 1);
        assertEquals(PodContract.INIT_CONTAINER_NAME, last.path("name").asText());
        assertEquals(3, again.at("/spec/initContainers").size());
        assertTrue(policy.validate(create(again)).allowed());
    }

    @Test
    void podWithoutTheVerifierIsRefused() {
        ObjectNode pod = podFromTemplate(object("workloads/comfyui-deployment.yaml"), "p-5");
        AdmissionDecision d = policy.validate(create(pod));
        assertFalse(d.allowed());
        assertEquals("Pod comfyui/p-5 declares models sdxl-base, sdxl-vae but has no modelgate-verifier "
                + "init-container (rule verifier-missing); make sure the ModelGate mutating webhook is installed "
                + "and selects namespace comfyui", d.message());
    }

    @Test
    void tamperedEmbeddedPlanIsRefused() {
        ObjectNode pod = mutated(podFromTemplate(object("workloads/comfyui-deployment.yaml"), "p-6"));
        ObjectNode env = (ObjectNode) pod.at("/spec/initContainers/0/env/0");
        env.put("value", env.path("value").asText().replace("31e35c80", "00000000"));
        AdmissionDecision d = policy.validate(create(pod));
        assertFalse(d.allowed());
        assertEquals(List.of(PodRule.PLAN_MISMATCH), rules(d));
        assertTrue(d.message().startsWith("Pod comfyui/p-6: the verification plan embedded for models sdxl-base, "
                + "sdxl-vae is not the plan the current TrustedModels and ModelSources produce (sha256 "), d.message());
        assertTrue(d.message().endsWith("(rule plan-mismatch); delete the pod so that the mutating webhook injects "
                + "the verifier again, and check that nothing else edits it"), d.message());
    }

    @Test
    void tamperedPlanDigestAnnotationIsRefused() {
        ObjectNode pod = mutated(podFromTemplate(object("workloads/comfyui-deployment.yaml"), "p-7"));
        ((ObjectNode) pod.at("/metadata/annotations")).put(PodContract.ANNOTATION_PLAN_SHA256, "0".repeat(64));
        assertEquals(List.of(PodRule.PLAN_MISMATCH), rules(policy.validate(create(pod))));
    }

    @Test
    void lenientHandWrittenVerifierIsRefused() {
        ObjectNode pod = mutated(podFromTemplate(object("workloads/comfyui-deployment.yaml"), "p-8"));
        ObjectNode verifier = (ObjectNode) pod.at("/spec/initContainers/0");
        verifier.putArray("command").add("sh").add("-c").add("exit 0");
        AdmissionDecision d = policy.validate(create(pod));
        assertFalse(d.allowed());
        assertEquals("Pod comfyui/p-8: the modelgate-verifier init-container for models sdxl-base, sdxl-vae differs "
                + "from the one ModelGate injects (command, arguments, env, mounts or security context) (rule "
                + "verifier-altered); delete the pod so that the mutating webhook injects the verifier again, and "
                + "check that nothing else edits it", d.message());
    }

    @Test
    void verifierWithAnotherImageIsRefused() {
        ObjectNode pod = mutated(podFromTemplate(object("workloads/comfyui-deployment.yaml"), "p-9"));
        ((ObjectNode) pod.at("/spec/initContainers/0")).put("image", "evil.example.com/always-ok:1");
        AdmissionDecision d = policy.validate(create(pod));
        assertEquals("Pod comfyui/p-9: the modelgate-verifier init-container runs image 'evil.example.com/always-ok:1' "
                + "instead of the configured 'registry.example.com/modelgate:0.1.0' (rule verifier-image); delete the "
                + "pod so that the mutating webhook injects the verifier again, and check that nothing else edits it",
                d.message());
    }

    @Test
    void planStaleAfterTheModelChangedIsRefused() {
        ObjectNode pod = mutated(podFromTemplate(object("workloads/comfyui-deployment.yaml"), "p-10"));
        // The TrustedModel is re-approved with another digest after the pod was mutated.
        ObjectNode tm = (ObjectNode) AdmissionFixtures.documents("policy/models.yaml").get(0).deepCopy();
        ((ObjectNode) tm.at("/spec/files/0")).put("sha256", "a".repeat(64));
        snapshot.add(tm);
        assertEquals(List.of(PodRule.PLAN_MISMATCH), rules(policy.validate(create(pod))));
    }

    /** A template is judged as its pods will be after mutation: a writable model mount is made read-only there. */
    @Test
    void writableTemplateMountIsAdmittedAsItsPodsWillBeMutated() {
        ObjectNode d = object("workloads/comfyui-deployment.yaml");
        ((ObjectNode) d.at("/spec/template/spec/containers/0/volumeMounts/0")).put("readOnly", false);
        AdmissionDecision r = policy.validate(create(d));
        assertTrue(r.allowed(), r::toString);
        assertEquals(List.of(), r.violations());
        assertFalse(d.at("/spec/template/spec/containers/0/volumeMounts/0/readOnly").asBoolean(),
                "the workload itself is not changed");
        // The same spec as a bare pod: admitted after mutation too, with the mount made read-only.
        ObjectNode pod = podFromTemplate(d, "p-writable");
        assertTrue(policy.validate(create(mutated(pod))).allowed());
        // Without the mutation (a pod that reached validation unmutated) the writable mount is refused.
        ObjectNode unmutated = mutated(pod);
        ((ObjectNode) unmutated.at("/spec/containers/0/volumeMounts/0")).put("readOnly", false);
        assertEquals("Pod comfyui/p-writable: container comfyui mounts the model volume ('models' at "
                + "/opt/ComfyUI/models) writable (rule writable-model-mount); set readOnly: true on that volumeMount, "
                + "only the verifier may write model files", policy.validate(create(unmutated)).message());
    }

    @Test
    void writableEphemeralContainerIsRefused() {
        ObjectNode pod = mutated(podFromTemplate(object("workloads/comfyui-deployment.yaml"), "p-11"));
        ObjectNode withDebug = pod.deepCopy();
        ObjectNode debug = ((ObjectNode) withDebug.get("spec")).putArray("ephemeralContainers").addObject();
        debug.put("name", "debugger").put("image", "busybox:1.36");
        debug.putArray("volumeMounts").addObject().put("name", "models").put("mountPath", "/m");
        AdmissionDecision d = policy.validate(update(pod, withDebug, "ephemeralcontainers", "alice"));
        assertFalse(d.allowed());
        assertEquals("Pod comfyui/p-11: ephemeral container debugger mounts the model volume ('models' at /m) "
                + "writable (rule writable-model-mount); set readOnly: true on that volumeMount, only the verifier may "
                + "write model files", d.message());
        debug.withArray("volumeMounts").get(0).withObjectProperty("x"); // no-op access keeps the node shape
        ((ObjectNode) debug.withArray("volumeMounts").get(0)).put("readOnly", true);
        assertTrue(policy.validate(update(pod, withDebug, "ephemeralcontainers", "alice")).allowed());
    }

    @ParameterizedTest
    @ValueSource(strings = {"comfyui-deployment-unannotated.yaml", "fooocus-deployment-unannotated.yaml",
            "mlx-job-unannotated.yaml"})
    void unannotatedWorkloadsMountingAModelStoreAreRefused(String file) {
        ObjectNode w = object("workloads/" + file);
        AdmissionDecision d = policy.validate(create(w));
        assertFalse(d.allowed());
        assertEquals(List.of(PodRule.UNDECLARED_MODEL_STORE), rules(d));
        assertTrue(d.message().contains("without declaring its models (rule undeclared-model-store); list them in "
                + "modelgate.dev/models and name the volume in modelgate.dev/volume"), d.message());
    }

    @Test
    void unannotatedComfyUiMessageNamesTheClaim() {
        AdmissionDecision d = policy.validate(create(object("workloads/comfyui-deployment-unannotated.yaml")));
        assertEquals("Deployment comfyui/comfyui mounts model store PersistentVolumeClaim comfyui-models (volume "
                + "'models') without declaring its models (rule undeclared-model-store); list them in "
                + "modelgate.dev/models and name the volume in modelgate.dev/volume", d.message());
    }

    private ObjectNode comfyWithModels(String models) {
        ObjectNode d = object("workloads/comfyui-deployment.yaml");
        ((ObjectNode) d.at("/spec/template/metadata/annotations")).put(PodContract.ANNOTATION_MODELS, models);
        return d;
    }

    @Test
    void unknownModelIsRefused() {
        AdmissionDecision d = policy.validate(create(comfyWithModels("sdxl-base, flux-dev")));
        assertEquals("Deployment comfyui/comfyui: model flux-dev is not a TrustedModel in namespace comfyui (rule "
                + "unknown-model); approve it with `modelgate approve` and apply the TrustedModel, or remove it from "
                + "modelgate.dev/models", d.message());
    }

    @Test
    void revokedModelIsRefused() {
        AdmissionDecision d = policy.validate(create(comfyWithModels("sd15-leaked")));
        assertEquals(List.of(PodRule.MODEL_REVOKED), rules(d));
        assertEquals("Deployment comfyui/comfyui: model sd15-leaked is revoked (rule model-revoked): TrustedModel "
                + "comfyui/sd15-leaked is revoked: pickle checkpoint replaced by a safetensors build; pods naming it "
                + "are refused; remove it from modelgate.dev/models or approve a replacement", d.message());
    }

    @Test
    void modelFromAnUntrustedSourceIsRefused() {
        AdmissionDecision d = policy.validate(create(comfyWithModels("pony-diffusion")));
        assertEquals(List.of(PodRule.SOURCE_NOT_TRUSTED), rules(d));
        assertEquals("Deployment comfyui/comfyui: model pony-diffusion comes from a source that is not trusted (rule "
                + "source-not-trusted): ModelSource civitai-unvetted does not exist; create it or fix spec.source of "
                + "TrustedModel comfyui/pony-diffusion", d.message());
    }

    @Test
    void modelThatIsNotReadyIsRefused() {
        ObjectNode tm = (ObjectNode) AdmissionFixtures.documents("policy/models.yaml").get(0).deepCopy();
        ((ObjectNode) tm.get("metadata")).put("name", "sdxl-mirror");
        ((ObjectNode) tm.at("/spec/files/0")).put("url", "https://evil.example.com/sdxl.safetensors");
        snapshot.add(tm);
        AdmissionDecision d = policy.validate(create(comfyWithModels("sdxl-mirror")));
        assertEquals(List.of(PodRule.MODEL_NOT_READY), rules(d));
        assertTrue(d.message().startsWith("Deployment comfyui/comfyui: model sdxl-mirror is not Ready (rule "
                + "model-not-ready, reason UrlOutsideSource): TrustedModel comfyui/sdxl-mirror: spec.files[0] "), d.message());
    }

    @Test
    void overdueReviewWarnsByDefaultAndRefusesWhenConfigured() {
        AdmissionDecision warned = policy.validate(create(comfyWithModels("sdxl-base, sdxl-refiner")));
        assertTrue(warned.allowed());
        assertEquals("warn", warned.verdict());
        assertEquals(1, warned.warnings().size());
        assertTrue(warned.warnings().get(0).startsWith("Deployment comfyui/comfyui: model sdxl-refiner is overdue "
                + "for review (rule review-overdue): review of TrustedModel comfyui/sdxl-refiner was due at "),
                warned.warnings().get(0));

        PolicySettings deny = new PolicySettings(IMAGE, EnforcementMode.ENFORCE, Set.of(), ReviewOverdueAction.DENY,
                ScanPolicy.ENFORCE, true, List.of(), Set.of(), Set.of());
        AdmissionDecision refused = new PodPolicy(deny, snapshot, () -> NOW)
                .validate(create(comfyWithModels("sdxl-base, sdxl-refiner")));
        assertFalse(refused.allowed());
        assertEquals(List.of(PodRule.REVIEW_OVERDUE), rules(refused));
    }

    @Test
    void missingModelVolumeIsRefused() {
        ObjectNode d = comfyWithModels("sdxl-base");
        ((ObjectNode) d.at("/spec/template/metadata/annotations")).put(PodContract.ANNOTATION_VOLUME, "weights");
        AdmissionDecision r = policy.validate(create(d));
        assertTrue(r.message().contains("Deployment comfyui/comfyui declares models sdxl-base but has no volume named "
                + "'weights' (rule model-volume-missing); add the volume that holds the models or name it in "
                + "modelgate.dev/volume"), r.message());
    }

    @Test
    void malformedModelsAnnotationIsRefused() {
        AdmissionDecision d = policy.validate(create(comfyWithModels("sdxl-base,,sdxl-vae")));
        assertEquals("Deployment comfyui/comfyui: annotation modelgate.dev/models 'sdxl-base,,sdxl-vae' has an empty "
                + "entry; list the TrustedModel names separated by single commas (rule models-annotation)", d.message());
    }

    @Test
    void conflictingModelsGiveNoPlan() {
        ObjectNode tm = (ObjectNode) AdmissionFixtures.documents("policy/models.yaml").get(1).deepCopy();
        ((ObjectNode) tm.get("metadata")).put("name", "vae-other");
        ((ObjectNode) tm.at("/spec/files/0")).put("sha256", "b".repeat(64));
        snapshot.add(tm);
        AdmissionDecision d = policy.validate(create(comfyWithModels("sdxl-vae, vae-other")));
        assertEquals(List.of(PodRule.PLAN_INVALID), rules(d));
        assertTrue(d.message().startsWith("Deployment comfyui/comfyui: no verification plan can be built for models "
                + "sdxl-vae, vae-other (rule plan-invalid): "), d.message());
    }

    @Test
    void cronJobTemplateIsJudged() {
        ObjectNode job = object("workloads/mlx-job.yaml");
        ObjectNode cron = AdmissionFixtures.YAML.createObjectNode();
        cron.put("apiVersion", "batch/v1").put("kind", "CronJob");
        cron.set("metadata", job.get("metadata").deepCopy());
        ObjectNode spec = cron.putObject("spec");
        spec.put("schedule", "0 3 * * *");
        spec.putObject("jobTemplate").set("spec", job.get("spec").deepCopy());
        assertTrue(policy.validate(create(cron)).allowed());
        ((ObjectNode) cron.at("/spec/jobTemplate/spec/template/metadata/annotations"))
                .put(PodContract.ANNOTATION_MODELS, "llama-unapproved");
        AdmissionDecision d = policy.validate(create(cron));
        assertEquals("CronJob mlx/mlx-eval: model llama-unapproved is not a TrustedModel in namespace mlx (rule "
                + "unknown-model); approve it with `modelgate approve` and apply the TrustedModel, or remove it from "
                + "modelgate.dev/models", d.message());
    }

    @Test
    void warnModeAdmitsWithWarningsAndAuditModeAdmitsSilently() {
        ObjectNode staging = object("workloads/fooocus-deployment.yaml");
        ((ObjectNode) staging.get("metadata")).put("namespace", "staging");
        ((ObjectNode) staging.at("/spec/template/metadata/annotations")).put(PodContract.ANNOTATION_MODELS, "nope");
        AdmissionDecision warn = policy.validate(create(staging));
        assertTrue(warn.allowed());
        assertEquals(EnforcementMode.WARN, warn.mode());
        assertEquals(List.of("Deployment staging/fooocus: model nope is not a TrustedModel in namespace staging (rule "
                + "unknown-model); approve it with `modelgate approve` and apply the TrustedModel, or remove it from "
                + "modelgate.dev/models"), warn.warnings());

        ((ObjectNode) staging.get("metadata")).put("namespace", "sandbox");
        AdmissionDecision audit = policy.validate(create(staging));
        assertTrue(audit.allowed());
        assertEquals(EnforcementMode.AUDIT, audit.mode());
        assertEquals(List.of(), audit.warnings());
        assertEquals(List.of(PodRule.UNKNOWN_MODEL), rules(audit));
    }

    @Test
    void namespacesNotOptedInOrExemptAreNotJudged() {
        ObjectNode w = object("workloads/comfyui-deployment-unannotated.yaml");
        ((ObjectNode) w.get("metadata")).put("namespace", "playground");
        assertEquals("namespace playground is exempt or not opted in", policy.validate(create(w)).skipped());
        ((ObjectNode) w.get("metadata")).put("namespace", "kube-system");
        assertTrue(policy.validate(create(w)).allowed());
        assertEquals(0, policy.mutate(create(podFromTemplate(w, "x"))).size());
    }

    @Test
    void unknownNamespaceCountsAsEnforced() {
        ObjectNode w = object("workloads/comfyui-deployment.yaml");
        ((ObjectNode) w.get("metadata")).put("namespace", "brand-new");
        AdmissionDecision d = policy.validate(create(w));
        assertEquals(EnforcementMode.ENFORCE, d.mode());
        assertFalse(d.allowed());
    }

    @Test
    void invalidModeLabelFallsBackToEnforceWithAWarning() {
        ObjectNode ns = AdmissionFixtures.YAML.createObjectNode();
        ns.put("apiVersion", "v1").put("kind", "Namespace");
        ns.putObject("metadata").put("name", "odd").putObject("labels").put(PodContract.LABEL_ENFORCE, "true")
                .put(PodContract.LABEL_MODE, "strict");
        snapshot.add(ns);
        ObjectNode w = object("workloads/comfyui-deployment.yaml");
        ((ObjectNode) w.get("metadata")).put("namespace", "odd");
        AdmissionDecision d = policy.validate(create(w));
        assertFalse(d.allowed());
        assertEquals(List.of("Namespace odd: label modelgate.dev/mode 'strict' is not one of enforce, warn, audit, so "
                + "enforce applies; fix the label"), d.warnings());
    }

    private static ObjectNode namespace(String mode) {
        ObjectNode ns = AdmissionFixtures.YAML.createObjectNode();
        ns.put("apiVersion", "v1").put("kind", "Namespace");
        ObjectNode labels = ns.putObject("metadata").put("name", "comfyui").putObject("labels");
        if (mode != null) {
            labels.put(PodContract.LABEL_ENFORCE, "true").put(PodContract.LABEL_MODE, mode);
        }
        return ns;
    }

    private AdmissionDecision namespaceUpdate(String before, String after, String user, List<String> groups) {
        return policy.validate(new AdmissionInput("UPDATE", "", "Namespace", null, "comfyui", namespace(after),
                namespace(before), user, groups));
    }

    @Test
    void removingTheEnforceLabelIsRefusedUnlessAllowed() {
        AdmissionDecision d = namespaceUpdate("enforce", null, "alice", List.of("developers"));
        assertFalse(d.allowed());
        assertEquals("Namespace comfyui: removing label modelgate.dev/enforce=true is refused for user alice (rule "
                + "namespace-guard); ask an administrator listed in modelgate.admission.guard-allowed-users or -groups "
                + "to make the change", d.message());
        assertEquals("Namespace comfyui: changing label modelgate.dev/mode from enforce to audit is refused for user "
                + "alice (rule namespace-guard); ask an administrator listed in modelgate.admission.guard-allowed-users "
                + "or -groups to make the change", namespaceUpdate("enforce", "audit", "alice", List.of()).message());
        assertTrue(namespaceUpdate("enforce", null, "flux-admin", List.of()).allowed());
        assertTrue(namespaceUpdate("enforce", null, "bob", List.of("system:masters")).allowed());
        assertTrue(namespaceUpdate("audit", "enforce", "alice", List.of()).allowed(), "strengthening is free");
    }

    @Test
    void removingTheModelsAnnotationFromAWorkloadIsRefusedUnlessAllowed() {
        ObjectNode old = object("workloads/comfyui-deployment.yaml");
        ObjectNode now = old.deepCopy();
        ((ObjectNode) now.at("/spec/template/metadata/annotations")).remove(PodContract.ANNOTATION_MODELS);
        AdmissionDecision d = policy.validate(update(old, now, null, "alice"));
        assertFalse(d.allowed());
        assertTrue(d.message().startsWith("Deployment comfyui/comfyui: removing annotation modelgate.dev/models "
                + "(models sdxl-base, sdxl-vae) is refused for user alice (rule models-annotation-removed); keep the "
                + "annotation, or ask an administrator"), d.message());
        assertTrue(rules(policy.validate(update(old, now, null, "flux-admin"))).stream()
                .noneMatch(r -> r == PodRule.MODELS_ANNOTATION_REMOVED));
    }
}
