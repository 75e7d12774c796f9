package dev.modelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} reads Pods, workloads, Namespaces and claims as strictly as the API server (strict field
 * validation, kubectl's default): what the server refuses is refused, naming the field, instead of being judged on
 * fields the cluster would drop or never accept.
 */
class CheckStrictReadingTest {

    static final String POLICY = CheckCommandTest.POLICY;
    static final String AT = CheckCommandTest.AT;

    @TempDir
    Path tmp;

    private String deployment() throws Exception {
        return Files.readString(CheckPipelineTest.DEPLOYMENT);
    }

    private CliRun check(String manifest, String... extra) throws Exception {
        Path f = tmp.resolve("m.yaml");
        Files.writeString(f, manifest);
        String[] args = new String[5 + extra.length];
        System.arraycopy(new String[] {"check", "--policy", POLICY, "--at", AT}, 0, args, 0, 5);
        System.arraycopy(extra, 0, args, 5, extra.length);
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = f.toString();
        return CliRun.of(all);
    }

    @Test
    void theShippedDeploymentReadsCleanly() throws Exception {
        CliRun r = check(deployment());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("allow"), r::toString);
    }

    @Test
    void aMisspeltFieldInAPodTemplateIsRefusedNamingTheField() throws Exception {
        // "volumeMount" is dropped by a lenient server: the container would run without the read-only mount judged.
        CliRun r = check(deployment().replace("          volumeMounts:\n", "          volumeMount:\n"));
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().contains("deny  Deployment comfyui/comfyui (invalid: spec.template.spec.containers[0]"
                + ".volumeMount: unknown field 'volumeMount'"), r::toString);
    }

    @Test
    void unknownFieldsAnywhereInTheObjectAreRefused() throws Exception {
        CliRun meta = check(deployment().replace("  replicas: 1\n", "  replicas: 1\n  replica: 2\n"));
        assertEquals(1, meta.exitCode(), meta::toString);
        assertTrue(meta.out().contains("invalid: spec.replica: unknown field 'replica'"), meta::toString);
        CliRun volume = check(deployment().replace("          emptyDir: {}", "          emptyDir: {medium: Memory, "
                + "sizeLimitt: 1Gi}"));
        assertEquals(1, volume.exitCode(), volume::toString);
        assertTrue(volume.out().contains("spec.template.spec.volumes[1].emptyDir.sizeLimitt: unknown field"),
                volume::toString);
    }

    @Test
    void wrongTypesAreRefusedAsTheServerRefusesThem() throws Exception {
        CliRun quoted = check(deployment().replace("readOnly: true", "readOnly: \"true\""));
        assertEquals(1, quoted.exitCode(), quoted::toString);
        assertTrue(quoted.out().contains("spec.template.spec.containers[0].volumeMounts[0].readOnly: expected boolean"),
                quoted::toString);
        CliRun label = check(deployment().replace("app.kubernetes.io/name: comfyui\nspec:",
                "app.kubernetes.io/name: comfyui\n    gpu: true\nspec:"));
        assertEquals(1, label.exitCode(), label::toString);
        assertTrue(label.out().contains("metadata.labels.gpu: true is not a string; quote it (\"true\")"), label::toString);
        CliRun number = check(deployment().replace("runAsUser: 1000", "runAsUser: \"1000\""));
        assertEquals(1, number.exitCode(), number::toString);
        assertTrue(number.out().contains("spec.template.spec.securityContext.runAsUser: expected number"),
                number::toString);
    }

    @Test
    void anApiVersionNoReleaseServesIsRefused() throws Exception {
        CliRun r = check(deployment().replace("apiVersion: apps/v1", "apiVersion: apps/v1beta2"));
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().contains("invalid: apiVersion: Deployment is served as apps/v1, not apps/v1beta2"),
                r::toString);
    }

    @Test
    void aKeyGivenTwiceIsRefusedWithItsLine() throws Exception {
        // Which of the two "volumes" would the cluster read? The server's strict decoding refuses the object.
        String twice = deployment() + "      volumes:\n        - name: models\n          emptyDir: {}\n";
        CliRun r = check(twice);
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("not valid YAML: Duplicate field 'volumes'"), r::toString);
        assertTrue(r.err().matches("(?s).*line \\d+, column \\d+.*"), r::toString);
    }

    @Test
    void anInvalidClaimOrNamespaceInThePolicyInputIsBadInput() throws Exception {
        Path policy = tmp.resolve("policy");
        Files.createDirectories(policy);
        for (Path p : Files.list(Path.of(POLICY)).toList()) {
            Files.copy(p, policy.resolve(p.getFileName()));
        }
        Files.writeString(policy.resolve("zz-claim.yaml"), """
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata:
                  name: other
                  namespace: comfyui
                  labels: {modelgate.dev/model-store: true}
                spec:
                  accessModes: [ReadOnlyMany]
                """);
        Path f = tmp.resolve("m.yaml");
        Files.writeString(f, deployment());
        CliRun r = CliRun.of("check", "--policy", policy.toString(), "--at", AT, f.toString());
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("zz-claim.yaml: metadata.labels.modelgate.dev/model-store: true is not a string; quote it"),
                r::toString);
    }

    @Test
    void printedObjectsKeepTheirTypesSoTheyReadStrictlyAgain() throws Exception {
        // Strings that look like numbers or booleans ("8188" in args, label values) must stay strings when written.
        String manifest = deployment().replace("app.kubernetes.io/name: comfyui\nspec:",
                "app.kubernetes.io/name: comfyui\n    tier: \"1\"\n    gpu: \"true\"\nspec:");
        CliRun printed = check(manifest, "--print-mutated");
        assertEquals(0, printed.exitCode(), printed::toString);
        assertTrue(printed.out().contains("- \"8188\""), printed::toString);
        assertTrue(printed.out().contains("tier: \"1\"") && printed.out().contains("gpu: \"true\""), printed::toString);
        CliRun again = check(printed.out());
        assertEquals(0, again.exitCode(), again::toString);
        assertTrue(again.out().startsWith("allow"), again::toString);
    }
}
