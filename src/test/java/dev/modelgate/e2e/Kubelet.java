package dev.modelgate.e2e;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.modelgate.policy.PodContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The kubelet's part, played by the test: a Node, the binding of a pod to it, the verifier init-container run as
 * {@code bin/modelgate} with the pod's env on a folder standing in for the volume, and the pod status written
 * through {@code pods/status}.
 */
public final class Kubelet {

    public static final String NODE = "e2e-node";

    /** What the verifier run returned. */
    public record Run(int exit, String output, String terminationMessage) {
    }

    private Kubelet() {
    }

    public static synchronized void ensureNode(KubernetesClient c) {
        if (c.nodes().withName(NODE).get() == null) {
            c.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE).addToLabels("kubernetes.io/hostname", NODE)
                    .endMetadata().build()).create();
        }
    }

    public static void bind(KubernetesClient c, Pod pod) {
        ensureNode(c);
        c.bindings().inNamespace(pod.getMetadata().getNamespace()).resource(new BindingBuilder().withNewMetadata()
                .withName(pod.getMetadata().getName()).endMetadata().withNewTarget().withKind("Node").withName(NODE)
                .endTarget().build()).create();
    }

    /**
     * Runs the pod's verifier as the kubelet would start it: its args, its env (the plan inline, the digest resolved
     * from the annotation as the downward API does), on {@code volume}.
     */
    public static Run runVerifier(Pod pod, Path volume) {
        var verifier = Fixtures.verifier(pod).orElseThrow(() -> new AssertionError("no verifier in " + pod.getMetadata().getName()));
        List<String> cmd = new ArrayList<>(List.of(E2E.repo().resolve("bin/modelgate").toString()));
        cmd.addAll(verifier.getArgs());
        try {
            Path termination = Files.createTempFile(E2E.work(), "termination-log", ".txt");
            cmd.addAll(List.of("--root", volume.toString(), "--termination-log", termination.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().keySet().removeIf(k -> k.startsWith("MODELGATE_"));
            for (EnvVar e : verifier.getEnv()) {
                if (e.getValue() != null) {
                    pb.environment().put(e.getName(), e.getValue());
                } else if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null
                        && PodContract.PLAN_SHA256_FIELD_PATH.equals(e.getValueFrom().getFieldRef().getFieldPath())) {
                    pb.environment().put(e.getName(), pod.getMetadata().getAnnotations().get(PodContract.ANNOTATION_PLAN_SHA256));
                } else {
                    throw new AssertionError("the verifier's env " + e.getName() + " is neither a value nor the plan digest: " + e);
                }
            }
            Path out = Files.createTempFile(E2E.work(), "verifier", ".out");
            Process p = pb.redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the verifier did not finish in 120 s");
            }
            Run run = new Run(p.exitValue(), Files.readString(out), Files.readString(termination));
            Files.delete(out);
            Files.delete(termination);
            return run;
        } catch (IOException e) {
            throw new AssertionError("cannot run the verifier", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Writes what the kubelet reports after the verifier ended: exit 0 starts the app containers (Running);
     * anything else keeps the pod Pending in Init:Error with the termination message.
     */
    public static void reportVerifier(KubernetesClient c, Pod pod, Run run) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<ContainerStatus> init = new ArrayList<>();
        for (var ic : pod.getSpec().getInitContainers()) {
            boolean isVerifier = ic.getName().equals(PodContract.INIT_CONTAINER_NAME);
            int exit = isVerifier ? run.exit() : 0;
            init.add(new ContainerStatusBuilder().withName(ic.getName()).withImage(ic.getImage()).withImageID("")
                    .withReady(exit == 0).withRestartCount(0).withNewState().withNewTerminated().withExitCode(exit)
                    .withReason(exit == 0 ? "Completed" : "Error").withMessage(isVerifier ? run.terminationMessage() : null)
                    .withStartedAt(now).withFinishedAt(now).endTerminated().endState().build());
        }
        boolean started = run.exit() == 0;
        List<ContainerStatus> apps = new ArrayList<>();
        for (var ac : pod.getSpec().getContainers()) {
            var b = new ContainerStatusBuilder().withName(ac.getName()).withImage(ac.getImage()).withImageID("")
                    .withReady(started).withRestartCount(0).withStarted(started);
            apps.add(started ? b.withNewState().withNewRunning().withStartedAt(now).endRunning().endState().build()
                    : b.withNewState().withNewWaiting().withReason("PodInitializing").endWaiting().endState().build());
        }
        c.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).editStatus(p -> {
            p.setStatus(new PodStatusBuilder(p.getStatus()).withPhase(started ? "Running" : "Pending").withHostIP("127.0.0.1")
                    .withPodIP("127.0.0.1").withStartTime(now).withInitContainerStatuses(init).withContainerStatuses(apps)
                    .build());
            return p;
        });
    }
}
