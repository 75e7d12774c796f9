package dev.modelgate.policy;

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The binding, privilege, update and guard rules of the pod contract, each refusal next to the legitimate
 * ComfyUI, Fooocus and MLX set-ups that must keep working.
 */
class PodContractRulesTest {

    private final ManifestSnapshot snapshot = AdmissionFixtures.snapshot();
    private final PodPolicy policy = new PodPolicy(AdmissionFixtures.settings(), snapshot, () -> NOW);

    private static List<PodRule> rules(AdmissionDecision d) {
        return d.violations().stream().map(Violation::rule).toList();
    }

    /** The ComfyUI Deployment with a change to its pod spec. */
    private static ObjectNode comfy(Consumer<ObjectNode> change) {
        ObjectNode d = object("workloads/comfyui-deployment.yaml");
        change.accept((ObjectNode) d.at("/spec/template/spec"));
        return d;
    }

    private static ObjectNode app(ObjectNode spec) {
        return (ObjectNode) spec.at("/containers/0");
    }

    private static ObjectNode mount(ObjectNode container, String volume, String path) {
        return container.withArray("volumeMounts").addObject().put("name", volume).put("mountPath", path);
    }

    private static ObjectNode volume(ObjectNode spec, String name) {
        return spec.withArray("volumes").addObject().put("name", name);
    }

    /** The template judged, and its pod after mutation judged: both must give the same answer. */
    private AdmissionDecision judge(ObjectNode workload) {
        AdmissionDecision template = policy.validate(create(workload));
        ObjectNode pod = podFromTemplate(workload, "p-0");
        AdmissionDecision asPod = policy.validate(create(apply(policy.mutate(create(pod)), pod)));
        assertEquals(template.allowed(), asPod.allowed(), () -> "template " + template + "\npod " + asPod);
        assertEquals(rules(template), rules(asPod));
        return template;
    }

    private void denied(ObjectNode workload, PodRule rule) {
        AdmissionDecision d = judge(workload);
        assertFalse(d.allowed(), d::toString);
        assertTrue(rules(d).contains(rule), () -> rule + " expected in " + d);
    }

    private void allowed(ObjectNode workload) {
        AdmissionDecision d = judge(workload);
        assertTrue(d.allowed(), d::toString);
        assertEquals(List.of(), d.violations());
    }

    /** Templates are mutated in place by the policy's own patch applier: it must agree with a full JSON Patch. */
    @org.junit.jupiter.params.ParameterizedTest
    @ValueSource(strings = {"comfyui-deployment.yaml", "fooocus-deployment.yaml", "mlx-job.yaml"})
    void thePolicysPatchApplierAgreesWithJsonPatch(String file) {
        ObjectNode pod = podFromTemplate(object("workloads/" + file), "p-patch");
        ((ObjectNode) pod.at("/spec/containers/0/volumeMounts/0")).remove("readOnly");
        pod.withArray("/spec/initContainers").insertObject(0).put("name", PodContract.INIT_CONTAINER_NAME)
                .put("image", "fake");
        ArrayNode ops = policy.mutate(create(pod));
        assertTrue(ops.size() >= 3, ops::toString);
        ObjectNode ours = pod.deepCopy();
        Patches.apply(ours, ops);
        assertEquals(apply(ops, pod), ours);
    }

    // ------------------------------------------------------------------------------------------------ binding

    @Test
    void aDecoyModelVolumeWhileTheStoreIsMountedUnderAnotherNameIsRefused() {
        ObjectNode d = comfy(spec -> {
            volume(spec, "decoy").putObject("emptyDir");
            ((ObjectNode) spec.at("/containers/0/volumeMounts/0")).put("readOnly", false);
        });
        ((ObjectNode) d.at("/spec/template/metadata/annotations")).put(PodContract.ANNOTATION_VOLUME, "decoy");
        AdmissionDecision r = judge(d);
        assertFalse(r.allowed());
        assertEquals(List.of(PodRule.MODEL_STORE_BINDING), rules(r));
        assertEquals("Deployment comfyui/comfyui: volume 'models' attaches model store PersistentVolumeClaim "
                + "comfyui-models although the model volume is 'decoy' (rule model-store-binding); a model store, and "
                + "the claim behind the model volume, may be attached only once, as the model volume named in "
                + "modelgate.dev/volume", r.message());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theStoreAttachedTwiceIsRefusedEvenReadOnly(boolean claimReadOnly) {
        denied(comfy(spec -> {
            volume(spec, "models-rw").putObject("persistentVolumeClaim").put("claimName", "comfyui-models")
                    .put("readOnly", claimReadOnly);
            mount(app(spec), "models-rw", "/opt/ComfyUI/manager/models");
        }), PodRule.MODEL_STORE_BINDING);
    }

    @Test
    void anUnlabelledClaimBehindTheModelVolumeMayNotBeAttachedTwice() {
        ObjectNode d = comfy(spec -> {
            ((ObjectNode) spec.at("/volumes/0/persistentVolumeClaim")).put("claimName", "scratch");
            volume(spec, "again").putObject("persistentVolumeClaim").put("claimName", "scratch");
            mount(app(spec), "again", "/data");
        });
        AdmissionDecision r = judge(d);
        assertEquals(List.of(PodRule.MODEL_STORE_BINDING), rules(r));
        assertTrue(r.message().contains("attaches PersistentVolumeClaim scratch, the claim behind the model volume,"),
                r.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/opt/ComfyUI/models/loras", "/opt/ComfyUI/models", "/opt/ComfyUI/models/",
            "/opt/ComfyUI//models/./loras", "/opt/ComfyUI/output/../models/checkpoints/x"})
    void anotherVolumeAtOrInsideTheModelFolderIsRefused(String path) {
        ObjectNode d = comfy(spec -> {
            volume(spec, "filled").putObject("emptyDir");
            spec.withArray("initContainers").addObject().put("name", "fill").put("image", "busybox:1.36")
                    .withArray("volumeMounts").addObject().put("name", "filled").put("mountPath", "/fill");
            mount(app(spec), "filled", path).put("readOnly", true);
        });
        denied(d, PodRule.MODEL_PATH_SHADOWED);
        assertEquals("Deployment comfyui/comfyui: container comfyui mounts volume 'filled' at " + path + ", at or "
                + "inside /opt/ComfyUI/models where it reads the model volume 'models' (rule model-path-shadowed), so "
                + "the application would read files the verifier never checked; mount it outside /opt/ComfyUI/models",
                policy.validate(create(d)).message());
    }

    @Test
    void theModelVolumeItselfRemountedInsideItsFolderIsRefused() {
        denied(comfy(spec -> mount(app(spec), "models", "/opt/ComfyUI/models/checkpoints").put("subPath", "loras")
                .put("readOnly", true)), PodRule.MODEL_PATH_SHADOWED);
    }

    @Test
    void legitimateComfyUiVolumesOutsideTheModelFolderAreAdmitted() {
        allowed(comfy(spec -> {
            volume(spec, "cache").putObject("emptyDir").put("sizeLimit", "10Gi");
            mount(app(spec), "cache", "/root/.cache");
            volume(spec, "settings").putObject("configMap").put("name", "comfyui-settings");
            mount(app(spec), "settings", "/opt/ComfyUI/user/default").put("readOnly", true);
            volume(spec, "token").putObject("secret").put("secretName", "hf-token");
            mount(app(spec), "token", "/var/run/secrets/hf").put("readOnly", true);
            volume(spec, "info").putObject("downwardAPI").putArray("items");
            volume(spec, "bundle").putObject("projected").putArray("sources");
            volume(spec, "scratch").putObject("ephemeral").putObject("volumeClaimTemplate").putObject("spec");
            mount(app(spec), "scratch", "/opt/ComfyUI/models-cache"); // a sibling that shares the prefix
            mount(app(spec), "models", "/opt/ComfyUI/extra/checkpoints").put("subPath", "checkpoints")
                    .put("readOnly", true); // a read-only view of verified files elsewhere
        }));
    }

    @Test
    void legitimateFooocusAndMlxSetUpsAreAdmitted() {
        ObjectNode fooocus = object("workloads/fooocus-deployment.yaml");
        ObjectNode spec = (ObjectNode) fooocus.at("/spec/template/spec");
        volume(spec, "presets").putObject("configMap").put("name", "fooocus-presets");
        mount(app(spec), "presets", "/content/app/presets").put("readOnly", true);
        allowed(fooocus);
        ObjectNode mlx = object("workloads/mlx-job.yaml");
        ObjectNode mspec = (ObjectNode) mlx.at("/spec/template/spec");
        volume(mspec, "hf-cache").putObject("emptyDir");
        mount(app(mspec), "hf-cache", "/root/.cache/huggingface");
        allowed(mlx);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hostPath", "nfs", "csi", "iscsi", "cephfs", "glusterfs", "gitRepo", "rbd",
            "someFutureType"})
    void volumeTypesReachingOutsideStorageAreRefusedUnlessAllowed(String type) {
        ObjectNode d = comfy(spec -> {
            volume(spec, "outside").putObject(type).put("path", "/srv/models");
            mount(app(spec), "outside", "/mnt/outside");
        });
        denied(d, PodRule.VOLUME_TYPE);
        assertEquals("Deployment comfyui/comfyui: volume 'outside' is a " + type + " volume, which can reach storage "
                + "outside the model contract (rule volume-type); use a persistentVolumeClaim, emptyDir, configMap, "
                + "secret, downwardAPI, projected or ephemeral volume, or ask an administrator to add " + type
                + " to modelgate.admission.allowed-volume-types", policy.validate(create(d)).message());
        PodPolicy lenient = new PodPolicy(AdmissionFixtures.settings().withAllowedVolumeTypes(Set.of(type)), snapshot,
                () -> NOW);
        assertTrue(lenient.validate(create(d)).allowed());
    }

    @Test
    void hostPathIsRefusedForPodsWithoutModelsInEnforcedNamespacesOnly() {
        ObjectNode d = comfy(spec -> volume(spec, "host").putObject("hostPath").put("path", "/var/lib/models"));
        ((ObjectNode) d.at("/spec/template/metadata")).remove("annotations");
        ((ArrayNode) d.at("/spec/template/spec/volumes")).remove(0); // no model store
        ((ArrayNode) d.at("/spec/template/spec/containers/0/volumeMounts")).remove(0);
        assertEquals(List.of(PodRule.VOLUME_TYPE), rules(policy.validate(create(d))));
        ((ObjectNode) d.get("metadata")).put("namespace", "playground");
        assertTrue(policy.validate(create(d)).allowed(), "namespaces not opted in are not judged");
    }

    @Test
    void imageVolumesAreRefusedUnlessAnApprovedOciModel() {
        String ref = "registry.example.com/models/sdxl@sha256:" + "a".repeat(64);
        ObjectNode d = comfy(spec -> {
            volume(spec, "oci").putObject("image").put("reference", ref).put("pullPolicy", "IfNotPresent");
            mount(app(spec), "oci", "/opt/ComfyUI/oci").put("readOnly", true);
        });
        AdmissionDecision r = judge(d);
        assertEquals(List.of(PodRule.IMAGE_VOLUME), rules(r));
        assertTrue(r.message().startsWith("Deployment comfyui/comfyui: image volume 'oci' mounts '" + ref
                + "', which none of the named models [sdxl-base, sdxl-vae] approves (rule image-volume)"), r.message());
        // A named model that approves exactly this digest, from a source trusting its repository, admits it.
        PolicySnapshot approving = new PolicySnapshot() {
            public java.util.Optional<dev.modelgate.api.v1alpha1.TrustedModel> trustedModel(String ns, String n) {
                return snapshot.trustedModel(ns, n).map(tm -> {
                    if (!n.equals("sdxl-base")) {
                        return tm;
                    }
                    dev.modelgate.api.v1alpha1.TrustedModel copy = dev.modelgate.policy.PolicyJson.MAPPER
                            .convertValue(tm, dev.modelgate.api.v1alpha1.TrustedModel.class);
                    dev.modelgate.api.v1alpha1.OciArtifactSpec oci = new dev.modelgate.api.v1alpha1.OciArtifactSpec();
                    oci.setReference(ref);
                    copy.getSpec().setOci(oci);
                    return copy;
                });
            }

            public java.util.Optional<dev.modelgate.api.v1alpha1.ModelSource> modelSource(String n) {
                return snapshot.modelSource(n).map(src -> {
                    dev.modelgate.api.v1alpha1.ModelSource copy = dev.modelgate.policy.PolicyJson.MAPPER
                            .convertValue(src, dev.modelgate.api.v1alpha1.ModelSource.class);
                    dev.modelgate.api.v1alpha1.OciRepository repo = new dev.modelgate.api.v1alpha1.OciRepository();
                    repo.setPrefix("registry.example.com/models");
                    dev.modelgate.api.v1alpha1.OciSourceSpec oci = new dev.modelgate.api.v1alpha1.OciSourceSpec();
                    oci.setRepositories(List.of(repo));
                    copy.getSpec().setOci(oci);
                    return copy;
                });
            }

            public java.util.Optional<Map<String, String>> namespaceLabels(String ns) {
                return snapshot.namespaceLabels(ns);
            }

            public java.util.Optional<Map<String, String>> claimLabels(String ns, String c) {
                return snapshot.claimLabels(ns, c);
            }
        };
        AdmissionDecision approved = new PodPolicy(AdmissionFixtures.settings(), approving, () -> NOW).validate(create(d));
        assertTrue(approved.allowed(), approved::message);
    }

    // -------------------------------------------------------------------------------------------- privileges

    @ParameterizedTest
    @ValueSource(strings = {"shareProcessNamespace", "hostPID"})
    void processSharingIsRefusedInPodsThatDeclareModels(String field) {
        ObjectNode d = comfy(spec -> spec.put(field, true));
        denied(d, PodRule.PROCESS_SHARING);
        assertEquals("Deployment comfyui/comfyui declares models sdxl-base, sdxl-vae and sets " + field + ": true "
                + "(rule process-sharing), which lets other processes reach the verifier's writable mount of the "
                + "model volume through /proc; remove " + field + ": true", policy.validate(create(d)).message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hostIPC", "hostNetwork"})
    void hostIpcAndHostNetworkAreAllowed(String field) {
        allowed(comfy(spec -> spec.put(field, true)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SYS_ADMIN", "CAP_SYS_ADMIN", "all", "DAC_READ_SEARCH", "SYS_RAWIO", "SYS_MODULE"})
    void dangerousCapabilitiesAreRefused(String cap) {
        ObjectNode d = comfy(spec -> app(spec).putObject("securityContext").putObject("capabilities").putArray("add")
                .add("NET_BIND_SERVICE").add(cap));
        denied(d, PodRule.PRIVILEGE_ESCAPE);
        assertEquals(1, policy.validate(create(d)).violations().size());
    }

    @Test
    void harmlessCapabilitiesAndPropagationAreAllowed() {
        allowed(comfy(spec -> {
            app(spec).putObject("securityContext").putObject("capabilities").putArray("add").add("NET_BIND_SERVICE");
            ((ObjectNode) spec.at("/containers/0/volumeMounts/1")).put("mountPropagation", "HostToContainer");
        }));
    }

    @Test
    void privilegedContainersAndBidirectionalPropagationAreRefused() {
        ObjectNode d = comfy(spec -> {
            spec.withArray("initContainers").addObject().put("name", "setup").put("image", "busybox:1.36")
                    .putObject("securityContext").put("privileged", true);
            ((ObjectNode) spec.at("/containers/0/volumeMounts/1")).put("mountPropagation", "Bidirectional");
        });
        AdmissionDecision r = judge(d);
        assertEquals(List.of(PodRule.PRIVILEGE_ESCAPE, PodRule.PRIVILEGE_ESCAPE), rules(r));
        assertEquals("Deployment comfyui/comfyui declares models sdxl-base, sdxl-vae and init-container setup runs "
                + "privileged (rule privilege-escape), which can get around read-only mounts of the model volume; "
                + "remove it Deployment comfyui/comfyui declares models sdxl-base, sdxl-vae and container comfyui "
                + "mounts volume 'output' with mountPropagation: Bidirectional (rule privilege-escape), which can get "
                + "around read-only mounts of the model volume; remove it", r.message());
    }

    @Test
    void windowsHostProcessesAreRefusedAtPodOrContainerLevel() {
        denied(comfy(spec -> spec.putObject("securityContext").putObject("windowsOptions").put("hostProcess", true)),
                PodRule.PRIVILEGE_ESCAPE);
        denied(comfy(spec -> app(spec).putObject("securityContext").putObject("windowsOptions")
                .put("hostProcess", true)), PodRule.PRIVILEGE_ESCAPE);
    }

    @Test
    void privilegesInPodsWithoutModelsAreLeftToPodSecurityAdmission() {
        ObjectNode d = object("workloads/comfyui-deployment.yaml");
        ((ObjectNode) d.at("/spec/template/metadata")).remove("annotations");
        ((ArrayNode) d.at("/spec/template/spec/volumes")).remove(0);
        ((ArrayNode) d.at("/spec/template/spec/containers/0/volumeMounts")).remove(0);
        ((ObjectNode) d.at("/spec/template/spec")).put("shareProcessNamespace", true);
        app((ObjectNode) d.at("/spec/template/spec")).putObject("securityContext").put("privileged", true);
        assertTrue(policy.validate(create(d)).allowed());
    }

    @Test
    void nativeSidecarsAreJudgedAsContainers() {
        // A log shipper that reads the models read-only and runs alongside: admitted (its mount is made read-only).
        allowed(comfy(spec -> {
            ObjectNode sidecar = spec.withArray("initContainers").addObject().put("name", "shipper")
                    .put("image", "fluent/fluent-bit:3.2").put("restartPolicy", "Always");
            mount(sidecar, "models", "/models");
        }));
        // The same sidecar privileged: refused.
        denied(comfy(spec -> spec.withArray("initContainers").addObject().put("name", "shipper")
                .put("image", "fluent/fluent-bit:3.2").put("restartPolicy", "Always")
                .putObject("securityContext").put("privileged", true)), PodRule.PRIVILEGE_ESCAPE);
    }

    @Test
    void aVerifierWhoseIdentityIsChosenByThePodIsRefused() {
        ObjectNode pod = podFromTemplate(object("workloads/comfyui-deployment.yaml"), "p-id");
        ObjectNode mutated = apply(policy.mutate(create(pod)), pod);
        JsonNode inits = mutated.at("/spec/initContainers");
        ((ObjectNode) inits.get(inits.size() - 1).path("securityContext")).put("runAsUser", 0);
        assertEquals(List.of(PodRule.VERIFIER_ALTERED), rules(policy.validate(create(mutated))));
    }

    // ------------------------------------------------------------------------------------------------ updates

    private ObjectNode admittedPod(String name) {
        ObjectNode pod = podFromTemplate(object("workloads/comfyui-deployment.yaml"), name);
        ObjectNode mutated = apply(policy.mutate(create(pod)), pod);
        assertTrue(policy.validate(create(mutated)).allowed());
        return mutated;
    }

    private static ObjectNode verifier(ObjectNode pod) {
        JsonNode inits = pod.at("/spec/initContainers");
        return (ObjectNode) inits.get(inits.size() - 1);
    }

    @Test
    void replacingTheVerifierImageAfterAdmissionIsRefused() {
        ObjectNode old = admittedPod("p-up1");
        ObjectNode now = old.deepCopy();
        verifier(now).put("image", "busybox:1.36");
        now.withArray("/spec/tolerations").addObject().put("operator", "Exists");
        AdmissionDecision d = policy.validate(update(old, now, null, "mallory"));
        assertFalse(d.allowed());
        assertEquals(List.of(PodRule.MODEL_CONTRACT_CHANGED), rules(d));
        assertEquals("Pod comfyui/p-up1: this update changes the modelgate-verifier init-container of a pod admitted "
                + "with models sdxl-base, sdxl-vae (rule model-contract-changed); the verifier, its plan, the model "
                + "annotations and the model volume are fixed at creation: delete the pod so that a new one is "
                + "created and verified", d.message());
        // Even an administrator may not: delete and recreate instead.
        assertFalse(policy.validate(update(old, now, null, "flux-admin")).allowed());
    }

    @ParameterizedTest
    @ValueSource(strings = {PodContract.ANNOTATION_PLAN_SHA256, PodContract.ANNOTATION_VOLUME,
            PodContract.ANNOTATION_MODELS})
    void changingTheModelAnnotationsAfterAdmissionIsRefused(String annotation) {
        ObjectNode old = admittedPod("p-up2");
        ObjectNode now = old.deepCopy();
        ((ObjectNode) now.at("/metadata/annotations")).put(annotation, "sdxl-base");
        AdmissionDecision d = policy.validate(update(old, now, null, "alice"));
        assertTrue(rules(d).contains(PodRule.MODEL_CONTRACT_CHANGED), d::toString);
        assertTrue(d.message().contains("changes annotation " + annotation), d.message());
    }

    @Test
    void addingModelsToARunningPodIsRefused() {
        ObjectNode old = object("workloads/comfyui-deployment.yaml");
        ObjectNode pod = podFromTemplate(old, "p-up3");
        ((ObjectNode) pod.get("metadata")).remove("annotations");
        ((ArrayNode) pod.at("/spec/volumes")).remove(0);
        ((ArrayNode) pod.at("/spec/containers/0/volumeMounts")).remove(0);
        ObjectNode now = pod.deepCopy();
        ((ObjectNode) now.get("metadata")).putObject("annotations").put(PodContract.ANNOTATION_MODELS, "sdxl-base");
        assertTrue(rules(policy.validate(update(pod, now, null, "alice"))).contains(PodRule.MODEL_CONTRACT_CHANGED));
    }

    @Test
    void everydayUpdatesOfAnAdmittedPodAreAllowed() {
        ObjectNode old = admittedPod("p-up4");
        ObjectNode now = old.deepCopy();
        ((ObjectNode) now.get("metadata")).putObject("labels").put("team", "imaging");
        ((ObjectNode) now.at("/metadata/annotations")).put("example.com/owner", "alice");
        now.withArray("/spec/tolerations").addObject().put("key", "gpu").put("operator", "Exists");
        app((ObjectNode) now.get("spec")).put("image", "ghcr.io/ai-dock/comfyui:v2-cuda-12.1.1-base-22.04-patch1");
        assertTrue(policy.validate(update(old, now, null, "alice")).allowed());
        // Removing the models annotation is the guard's decision.
        ObjectNode unannotated = old.deepCopy();
        ((ObjectNode) unannotated.at("/metadata/annotations")).remove(PodContract.ANNOTATION_MODELS);
        assertEquals(List.of(PodRule.MODELS_ANNOTATION_REMOVED),
                rules(policy.validate(update(old, unannotated, null, "mallory"))));
        assertTrue(policy.validate(update(old, unannotated, null, "flux-admin")).allowed());
    }

    @Test
    void anUpdateIsRefusedOnlyForWhatItAdds() {
        // A pod admitted before hostPath was refused keeps its finalizers removable.
        ObjectNode old = admittedPod("p-up5");
        volume((ObjectNode) old.get("spec"), "host").putObject("hostPath").put("path", "/srv");
        ObjectNode now = old.deepCopy();
        ((ObjectNode) now.get("metadata")).putArray("finalizers");
        assertTrue(policy.validate(update(old, now, null, "system:serviceaccount:kube-system:gc")).allowed());
    }

    @Test
    void ephemeralContainersTargetingTheVerifierAreRefused() {
        ObjectNode old = admittedPod("p-up6");
        ObjectNode now = old.deepCopy();
        ObjectNode debug = ((ObjectNode) now.get("spec")).putArray("ephemeralContainers").addObject()
                .put("name", "debugger").put("image", "busybox:1.36")
                .put("targetContainerName", PodContract.INIT_CONTAINER_NAME);
        AdmissionDecision d = policy.validate(update(old, now, "ephemeralcontainers", "alice"));
        assertEquals(List.of(PodRule.VERIFIER_TARGETED), rules(d));
        assertEquals("Pod comfyui/p-up6: ephemeral container debugger targets the modelgate-verifier init-container "
                + "(rule verifier-targeted), so it would share its processes and writable mount; target the "
                + "application container instead", d.message());
        debug.put("targetContainerName", "comfyui");
        assertTrue(policy.validate(update(old, now, "ephemeralcontainers", "alice")).allowed());
        debug.putObject("securityContext").put("privileged", true);
        assertEquals(List.of(PodRule.PRIVILEGE_ESCAPE),
                rules(policy.validate(update(old, now, "ephemeralcontainers", "alice"))));
    }

    // ------------------------------------------------------------------------------------------------- guards

    private static AdmissionInput claimUpdate(String namespace, Map<String, String> before, Map<String, String> after,
            String user) {
        ObjectNode old = AdmissionFixtures.YAML.createObjectNode().put("apiVersion", "v1")
                .put("kind", "PersistentVolumeClaim");
        ObjectNode meta = old.putObject("metadata").put("name", "comfyui-models").put("namespace", namespace);
        ObjectNode labels = meta.putObject("labels");
        before.forEach(labels::put);
        ObjectNode now = old.deepCopy();
        ObjectNode nowLabels = (ObjectNode) now.at("/metadata/labels");
        nowLabels.removeAll();
        after.forEach(nowLabels::put);
        return new AdmissionInput("UPDATE", "", "PersistentVolumeClaim", null, namespace, now, old, user,
                List.of("system:authenticated"));
    }

    @Test
    void removingTheModelStoreLabelIsGuarded() {
        Map<String, String> store = Map.of(PodContract.LABEL_MODEL_STORE, "true");
        AdmissionDecision d = policy.validate(claimUpdate("comfyui", store, Map.of(), "mallory"));
        assertFalse(d.allowed());
        assertEquals("PersistentVolumeClaim comfyui/comfyui-models: removing label modelgate.dev/model-store=true is "
                + "refused for user mallory (rule model-store-guard), since it would let any pod mount the model store "
                + "writable; ask an administrator listed in modelgate.admission.guard-allowed-users or -groups to make "
                + "the change", d.message());
        assertFalse(policy.validate(claimUpdate("comfyui", store, Map.of(PodContract.LABEL_MODEL_STORE, "false"),
                "mallory")).allowed());
        assertTrue(policy.validate(claimUpdate("comfyui", store, Map.of(), "flux-admin")).allowed());
        assertTrue(policy.validate(claimUpdate("comfyui", Map.of(), store, "mallory")).allowed(), "labelling is free");
        assertTrue(policy.validate(claimUpdate("comfyui", Map.of(PodContract.LABEL_MODEL_STORE, "true", "a", "b"),
                store, "mallory")).allowed(), "other labels are free");
        assertTrue(policy.validate(claimUpdate("playground", store, Map.of(), "mallory")).allowed(),
                "namespaces not opted in are not judged");
    }
}
