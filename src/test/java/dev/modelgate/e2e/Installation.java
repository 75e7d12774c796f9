package dev.modelgate.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a user installs, installed once per control plane: {@code kubectl apply -f crds/}, then
 * {@code kubectl apply -f manifests/modelgate.yaml} without its Deployment (no kubelet can run it here; the
 * operator runs as a local process instead), then a token of the {@code modelgate} ServiceAccount in a
 * kubeconfig, so the operator has exactly the rights the manifests grant.
 *
 * <p>{@code --validate=false}: kubectl 1.24 validates against the server's 1.24 OpenAPI, which does not know the
 * {@code reason}/{@code fieldPath} of {@code x-kubernetes-validations} (Kubernetes 1.28); the server itself drops
 * them. The product keeps them for supported releases.
 */
public final class Installation {

    public static final String NAMESPACE = "modelgate-system";
    public static final String SERVICE_ACCOUNT = "modelgate";
    public static final List<String> CRDS = List.of("modelsources.modelgate.dev", "trustedmodels.modelgate.dev",
            "policyreports.wgpolicyk8s.io");

    private static Installation instance;

    public final ControlPlane cluster;
    public final Kubectl.Result crds;
    public final Kubectl.Result manifests;
    public final Path operatorKubeconfig;
    private final String problem;

    private Installation(ControlPlane cluster, Kubectl.Result crds, Kubectl.Result manifests, Path operatorKubeconfig,
            String problem) {
        this.cluster = cluster;
        this.crds = crds;
        this.manifests = manifests;
        this.operatorKubeconfig = operatorKubeconfig;
        this.problem = problem;
    }

    static synchronized Installation get(ControlPlane cluster) {
        if (instance == null) {
            instance = install(cluster);
        }
        return instance;
    }

    Installation requireOk() {
        if (problem != null) {
            throw new AssertionError("installing ModelGate the way users do failed: " + problem);
        }
        return this;
    }

    private static Installation install(ControlPlane cluster) {
        Kubectl k = cluster.admin();
        Path repo = E2E.repo();
        List<String> problems = new ArrayList<>();
        Kubectl.Result crds = k.run("apply", "--validate=false", "-f", repo.resolve("crds").toString());
        if (!crds.ok()) {
            problems.add("kubectl apply -f crds/ was refused:\n" + crds);
        }
        Kubectl.Result manifests;
        try {
            Path withoutDeployment = E2E.work().resolve("modelgate-without-deployment.yaml");
            Files.createDirectories(withoutDeployment.getParent());
            Files.writeString(withoutDeployment, withoutDeployment(Files.readString(repo.resolve("manifests/modelgate.yaml"))));
            manifests = k.run("apply", "--validate=false", "-f", withoutDeployment.toString());
        } catch (IOException e) {
            throw new AssertionError("cannot read manifests/modelgate.yaml", e);
        }
        if (!manifests.ok()) {
            problems.add("kubectl apply -f manifests/modelgate.yaml was refused:\n" + manifests);
        }
        for (String crd : CRDS) {
            Kubectl.Result established = k.run("wait", "--for=condition=Established", "--timeout=30s", "crd/" + crd);
            if (!established.ok()) {
                problems.add("CRD " + crd + " is not established:\n" + established);
            }
        }
        Path kubeconfig = E2E.work().resolve("operator.kubeconfig");
        Kubectl.Result token = k.run("-n", NAMESPACE, "create", "token", SERVICE_ACCOUNT, "--duration=6h");
        if (!token.ok()) {
            problems.add("no token for the ServiceAccount " + SERVICE_ACCOUNT + ":\n" + token);
        } else {
            writeKubeconfig(kubeconfig, cluster, token.out().strip());
        }
        return new Installation(cluster, crds, manifests, kubeconfig, problems.isEmpty() ? null : String.join("\n", problems));
    }

    /** The manifests without the operator's Deployment: every other object exactly as shipped. */
    static String withoutDeployment(String manifests) {
        List<String> kept = new ArrayList<>();
        for (String doc : manifests.split("(?m)^---\\s*$")) {
            if (!doc.lines().anyMatch(l -> l.equals("kind: Deployment"))) {
                kept.add(doc.strip());
            }
        }
        return String.join("\n---\n", kept) + "\n";
    }

    static void writeKubeconfig(Path file, ControlPlane cluster, String token) {
        String text = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: e2e
                  cluster:
                    server: %s
                    certificate-authority: %s
                users:
                - name: modelgate
                  user:
                    token: %s
                contexts:
                - name: e2e
                  context: {cluster: e2e, user: modelgate, namespace: %s}
                current-context: e2e
                """.formatted(cluster.server(), cluster.caCertificate(), token, NAMESPACE);
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new AssertionError("cannot write " + file, e);
        }
    }
}
