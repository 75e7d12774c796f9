package dev.modelgate.operator;

import dev.modelgate.config.ModelGateConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Writes one {@code wgpolicyk8s.io/v1alpha2} PolicyReport per namespace listing the pods the audit found. The CRD
 * is optional in the cluster: without it the operator logs once and carries on (Events, status and metrics still
 * report), and starts writing as soon as someone installs it.
 */
@ApplicationScoped
public class PolicyReports {

    public static final String CRD_NAME = "policyreports.wgpolicyk8s.io";
    public static final ResourceDefinitionContext POLICY_REPORT = new ResourceDefinitionContext.Builder()
            .withGroup("wgpolicyk8s.io").withVersion("v1alpha2").withKind("PolicyReport")
            .withPlural("policyreports").withNamespaced(true).build();
    static final String POLICY = "modelgate";
    private static final Logger LOG = Logger.getLogger(PolicyReports.class);

    @Inject
    KubernetesClient client;

    @Inject
    ModelGateConfig config;

    private final AtomicBoolean absenceLogged = new AtomicBoolean();
    private volatile boolean crdSeen;

    /**
     * The report of {@code namespace} now lists exactly {@code findings} (deleted when there are none). Returns false
     * when the PolicyReport CRD is not installed and nothing was written.
     */
    public boolean write(String namespace, List<PodFinding> findings, Map<String, Instant> firstSeen) {
        if (!crdInstalled()) {
            return false;
        }
        var reports = client.genericKubernetesResources(POLICY_REPORT).inNamespace(namespace);
        String name = config.operator().audit().policyReportName();
        try {
            if (findings.isEmpty()) {
                reports.withName(name).delete();
                return true;
            }
            reports.resource(report(namespace, name, findings, firstSeen)).createOr(NonDeletingOperation::update);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                crdSeen = false; // the CRD went away; check again next time
                logAbsence();
                return false;
            }
            throw e;
        }
    }

    static GenericKubernetesResource report(String namespace, String name, List<PodFinding> findings,
            Map<String, Instant> firstSeen) {
        List<Map<String, Object>> results = new ArrayList<>();
        int fail = 0;
        int warn = 0;
        for (PodFinding f : findings) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("policy", POLICY);
            r.put("rule", f.rule().rule());
            r.put("result", f.rule().result());
            r.put("scored", true);
            r.put("severity", "fail".equals(f.rule().result()) ? "high" : "medium");
            r.put("source", POLICY);
            r.put("category", "Model trust");
            r.put("message", f.message());
            Instant seen = firstSeen.getOrDefault(f.key(), Instant.EPOCH);
            r.put("timestamp", Map.of("seconds", seen.getEpochSecond(), "nanos", 0));
            r.put("resources", List.of(Map.of("apiVersion", "v1", "kind", "Pod", "name", f.pod(),
                    "namespace", f.namespace(), "uid", f.podUid())));
            r.put("properties", Map.of("model", f.model()));
            results.add(r);
            if ("fail".equals(f.rule().result())) {
                fail++;
            } else {
                warn++;
            }
        }
        return new GenericKubernetesResourceBuilder().withApiVersion("wgpolicyk8s.io/v1alpha2")
                .withKind("PolicyReport").withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels("app.kubernetes.io/managed-by", "modelgate").endMetadata()
                .addToAdditionalProperties("summary", Map.of("pass", 0, "fail", fail, "warn", warn, "error", 0,
                        "skip", 0))
                .addToAdditionalProperties("results", results)
                .build();
    }

    private boolean crdInstalled() {
        if (crdSeen) {
            return true;
        }
        try {
            crdSeen = client.apiextensions().v1().customResourceDefinitions().withName(CRD_NAME).get() != null;
        } catch (KubernetesClientException e) {
            crdSeen = false;
        }
        if (!crdSeen) {
            logAbsence();
        }
        return crdSeen;
    }

    private void logAbsence() {
        if (absenceLogged.compareAndSet(false, true)) {
            LOG.warnf("the PolicyReport CRD (%s) is not installed, so audit results go to Events, TrustedModel status"
                    + " and metrics only; apply crds/policyreports.wgpolicyk8s.io-v1alpha2.yml to get reports",
                    CRD_NAME);
        }
    }
}
