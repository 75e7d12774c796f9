package dev.modelgate.e2e;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Every operator process of this JVM: the shared one most tests use, and the extra ones some tests start. */
public final class Operators {

    public static final String WEBHOOK_CONFIGURATION = "modelgate";
    static final Duration START = Duration.ofSeconds(120);

    private static final List<OperatorProcess> ALL = new ArrayList<>();
    private static OperatorProcess primary;
    private static int counter;

    private Operators() {
    }

    /** The shared operator, started (again) when none is running, once its webhooks answer the API server. */
    static synchronized OperatorProcess primary(Installation installation) {
        if (primary == null || !primary.alive()) {
            primary = null;
            OperatorProcess p = start(installation, null, null, Map.of());
            try {
                awaitWebhooks(installation.cluster, p.webhookUrl, START);
            } catch (AssertionError e) {
                p.stop();
                throw new AssertionError(e.getMessage() + "\n" + p.logTail(60), e);
            }
            primary = p;
        }
        return primary;
    }

    /** The shared operator if one is running, without starting one. */
    static synchronized OperatorProcess primaryIfRunning() {
        return primary != null && primary.alive() ? primary : null;
    }

    /** Makes {@code p} the shared operator (after a test stopped the previous one). */
    static synchronized void adopt(OperatorProcess p) {
        primary = p;
    }

    /** Starts another operator process and waits until it is ready. */
    public static synchronized OperatorProcess start(Installation installation, Integer webhookPort, String webhookUrl,
            Map<String, String> env) {
        OperatorProcess p = OperatorProcess.start(installation, "operator-" + (++counter), webhookPort, webhookUrl, env);
        ALL.add(p);
        return p.awaitReady(START);
    }

    /** Starts {@code n} operator processes at once behind {@code webhookUrl} and waits until all are ready. */
    public static synchronized List<OperatorProcess> startAll(Installation installation, int n, String webhookUrl) {
        List<OperatorProcess> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            OperatorProcess p = OperatorProcess.start(installation, "operator-" + (++counter), null, webhookUrl, Map.of());
            ALL.add(p);
            started.add(p);
        }
        started.forEach(p -> p.awaitReady(START));
        return started;
    }

    /** As above, with the JVM options given (benchmarks). */
    public static synchronized OperatorProcess start(Installation installation, Map<String, String> env,
            List<String> jvmOptions) {
        OperatorProcess p = OperatorProcess.start(installation, "operator-" + (++counter), null, null, env, jvmOptions);
        ALL.add(p);
        return p.awaitReady(START);
    }

    /** Waits until both webhook configurations call {@code url} with a caBundle. */
    public static void awaitWebhooks(ControlPlane cluster, String url, Duration timeout) {
        KubernetesClient c = cluster.client();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            MutatingWebhookConfiguration m = c.admissionRegistration().v1().mutatingWebhookConfigurations()
                    .withName(WEBHOOK_CONFIGURATION).get();
            ValidatingWebhookConfiguration v = c.admissionRegistration().v1().validatingWebhookConfigurations()
                    .withName(WEBHOOK_CONFIGURATION).get();
            List<WebhookClientConfig> configs = Stream.concat(
                    m == null ? Stream.empty() : m.getWebhooks().stream().map(MutatingWebhook::getClientConfig),
                    v == null ? Stream.empty() : v.getWebhooks().stream().map(ValidatingWebhook::getClientConfig)).toList();
            if (m != null && v != null && configs.stream().allMatch(cc -> cc.getUrl() != null && cc.getUrl().startsWith(url)
                    && cc.getCaBundle() != null && !cc.getCaBundle().isEmpty())) {
                return;
            }
            last = configs.stream().map(cc -> "url=" + cc.getUrl() + " service=" + cc.getService()
                    + " caBundle=" + (cc.getCaBundle() == null ? "none" : cc.getCaBundle().length() + " chars")).toList().toString();
            OperatorProcess.sleep(250);
        }
        throw new AssertionError("the operator did not point its webhook configurations at " + url
                + " with a caBundle within " + timeout + " (MODELGATE_WEBHOOK_URL); they hold: " + last);
    }

    static synchronized List<OperatorProcess> all() {
        return List.copyOf(ALL);
    }

    /** Log tails of every operator started so far, for a failed test's output. */
    static synchronized String logTails(int lines) {
        StringBuilder sb = new StringBuilder();
        for (OperatorProcess p : ALL) {
            sb.append(p.logTail(lines)).append('\n');
        }
        return sb.toString();
    }

    /** Stops every running operator (SIGTERM, by pid); the next {@link E2E#operator()} starts a new one. */
    public static synchronized void stopRunning() {
        for (OperatorProcess p : ALL) {
            if (p.alive()) {
                p.stop();
            }
        }
        primary = null;
    }

    static synchronized void stopAll() {
        for (OperatorProcess p : ALL) {
            if (p.alive()) {
                p.stop();
            }
        }
        primary = null;
    }
}
