package dev.modelgate.operator;

import dev.modelgate.api.v1alpha1.Condition;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.OciRepository;
import dev.modelgate.api.v1alpha1.SecretRef;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.config.ModelGateConfig;
import dev.modelgate.oci.OciException;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oci.RegistryCredentials;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs {@link ArtifactCheck} for OCI TrustedModels off the reconcile path: the reconciler asks for the latest result
 * (never waiting for a registry) and the checker queues a check when one is due (first sight, a new generation of
 * the model or its source, or the check interval passed). One worker and a bounded queue: a slow registry delays
 * checks, never reconciles; a full queue drops the request and the next reconcile asks again. When a check ends
 * with a new answer, an event wakes the model's reconciler, which writes the condition. Only the leader reconciles,
 * so only the leader checks.
 */
@ApplicationScoped
public class ArtifactChecker {

    static final int QUEUE = 256;
    private static final Logger LOG = Logger.getLogger(ArtifactChecker.class);
    private static final String DOCKER_CONFIG_TYPE = "kubernetes.io/dockerconfigjson";

    /** What was asked (the inputs that change the answer) and the answer, once there is one. */
    private record Entry(String inputs, Instant checkedAt, Condition result) {
    }

    @Inject
    Clock clock;

    @Inject
    ModelGateConfig config;

    @Inject
    KubernetesClient kube;

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "modelgate-oci-check");
                t.setDaemon(true);
                return t;
            });
    private volatile Set<String> insecure = RegistryClient.insecure(System.getenv(RegistryClient.ENV_INSECURE));
    private volatile SimpleInboundEventSource<TrustedModel> wakeUp;

    void wakeUpThrough(SimpleInboundEventSource<TrustedModel> source) {
        this.wakeUp = source;
    }

    /** Loopback registries reached over plain HTTP; from the environment, replaced by tests. */
    public void insecureRegistries(Set<String> hostPorts) {
        this.insecure = Set.copyOf(hostPorts);
    }

    /**
     * The condition to write for this model now (empty when it has no spec.oci), queueing a check when one is due.
     * Before the first answer the condition is Unknown.
     */
    public Optional<Condition> condition(TrustedModel tm, ModelSource source) {
        if (tm.getSpec() == null || tm.getSpec().getOci() == null || tm.getSpec().getOci().getReference() == null) {
            return Optional.empty();
        }
        String key = key(tm);
        String inputs = inputs(tm, source);
        Instant now = clock.instant();
        Entry e = entries.get(key);
        boolean sameInputs = e != null && e.inputs().equals(inputs);
        if (!sameInputs || (e.checkedAt() != null && !now.isBefore(e.checkedAt().plus(interval())))) {
            submit(key, inputs, tm, source, sameInputs ? e.result() : null);
            e = entries.get(key);
        }
        if (e == null || e.result() == null) {
            return Optional.of(ArtifactCheck.draft(Condition.UNKNOWN, "NotCheckedYet", "the artifact "
                    + tm.getSpec().getOci().getReference() + " of TrustedModel " + tm.getMetadata().getName()
                    + " has not been checked in its registry yet; the operator checks it in the background"));
        }
        return Optional.of(e.result());
    }

    /** When the model's next check is due, for the reconciler to wake up then. */
    public Optional<Duration> nextCheckIn(TrustedModel tm) {
        Entry e = entries.get(key(tm));
        if (e == null || e.checkedAt() == null) {
            return Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), e.checkedAt().plus(interval()));
        return Optional.of(left.isNegative() ? Duration.ZERO : left);
    }

    public void forget(String namespace, String name) {
        entries.remove(namespace + "/" + name);
    }

    private Duration interval() {
        return config.operator().ociCheckInterval();
    }

    private void submit(String key, String inputs, TrustedModel tm, ModelSource source, Condition last) {
        // checkedAt null marks the check as queued, so reconciles meanwhile do not queue it again
        Entry queued = new Entry(inputs, null, last);
        entries.put(key, queued);
        try {
            worker.execute(() -> run(key, inputs, tm, source, queued));
        } catch (RejectedExecutionException e) {
            entries.remove(key, queued);
            LOG.debugf("OCI artifact check of %s deferred: %d checks are queued", key, QUEUE);
        }
    }

    private void run(String key, String inputs, TrustedModel tm, ModelSource source, Entry queued) {
        Condition result;
        try {
            result = check(tm, source);
        } catch (RuntimeException ex) {
            result = ArtifactCheck.draft(Condition.UNKNOWN, "CheckFailed", "the artifact "
                    + tm.getSpec().getOci().getReference() + " of TrustedModel " + tm.getMetadata().getName()
                    + " could not be checked (" + ex + "); the operator tries again at the next interval");
        }
        Entry done = new Entry(inputs, clock.instant(), result);
        if (!entries.replace(key, queued, done)) {
            return; // the model changed or was deleted meanwhile; a newer check is queued or none is wanted
        }
        if (!result.equals(queued.result()) && wakeUp != null) {
            wakeUp.propagateEvent(new ResourceID(tm.getMetadata().getName(), tm.getMetadata().getNamespace()));
        }
    }

    Condition check(TrustedModel tm, ModelSource source) {
        String name = tm.getMetadata().getName();
        String ref = tm.getSpec().getOci().getReference();
        String who = "the artifact " + ref + " of TrustedModel " + name;
        OciRepository repo = repository(tm, source);
        RegistryClient.Settings settings = new RegistryClient.Settings(null, insecure, RegistryCredentials.none(),
                Duration.ofSeconds(30), 5);
        if (repo != null && repo.getCaBundle() != null) {
            settings = settings.withCaBundle(repo.getCaBundle());
        }
        if (repo != null && repo.getPullSecret() != null) {
            SecretRef s = repo.getPullSecret();
            String own = config.operator().namespace();
            String ns = s.getNamespace() == null ? own : s.getNamespace();
            if (!ns.equals(own)) {
                return ArtifactCheck.draft(Condition.UNKNOWN, "CredentialsUnavailable", who + " was not checked: "
                        + "the operator reads pull Secrets only in its own namespace " + own + ", not "
                        + ns + "/" + s.getName() + "; copy the Secret there and list it in operator.ociPullSecrets");
            }
            try {
                settings = settings.withCredentials(RegistryCredentials.fromDockerConfig(dockerConfig(ns, s.getName())));
            } catch (RuntimeException e) {
                return ArtifactCheck.draft(Condition.UNKNOWN, "CredentialsUnavailable", who + " was not checked: "
                        + "the pull Secret " + ns + "/" + s.getName() + " cannot be used: " + e.getMessage());
            }
        }
        try {
            return ArtifactCheck.check(tm, new RegistryClient(settings));
        } catch (OciException e) {
            return ArtifactCheck.draft(Condition.FALSE, "ArtifactUnusable", who + " cannot be checked: "
                    + e.getMessage());
        }
    }

    private byte[] dockerConfig(String ns, String name) {
        Secret secret;
        try {
            secret = kube.secrets().inNamespace(ns).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new IllegalStateException(e.getCode() == 403 ? "the operator may not read it: list its name in "
                    + "the chart value operator.ociPullSecrets" : "reading it failed with HTTP " + e.getCode(), e);
        }
        if (secret == null) {
            throw new IllegalStateException("it does not exist; create it with type " + DOCKER_CONFIG_TYPE);
        }
        if (!DOCKER_CONFIG_TYPE.equals(secret.getType())) {
            throw new IllegalStateException("its type is " + secret.getType() + ", not " + DOCKER_CONFIG_TYPE
                    + "; recreate it with kubectl create secret docker-registry");
        }
        String data = secret.getData() == null ? null : secret.getData().get(".dockerconfigjson");
        if (data == null) {
            throw new IllegalStateException("it has no .dockerconfigjson key; recreate it with kubectl create secret "
                    + "docker-registry");
        }
        return Base64.getDecoder().decode(data);
    }

    /** The source repository the reference is under (the longest prefix), or null when none trusts it. */
    static OciRepository repository(TrustedModel tm, ModelSource source) {
        if (source == null || source.getSpec() == null || source.getSpec().getOci() == null) {
            return null;
        }
        OciReference ref;
        try {
            ref = OciReference.parse(tm.getSpec().getOci().getReference());
        } catch (IllegalArgumentException e) {
            return null;
        }
        OciRepository best = null;
        for (OciRepository r : source.getSpec().getOci().getRepositories()) {
            if (r.getPrefix() != null && ref.isUnder(r.getPrefix())
                    && (best == null || r.getPrefix().length() > best.getPrefix().length())) {
                best = r;
            }
        }
        return best;
    }

    private static String key(TrustedModel tm) {
        return tm.getMetadata().getNamespace() + "/" + tm.getMetadata().getName();
    }

    private static String inputs(TrustedModel tm, ModelSource source) {
        return tm.getMetadata().getGeneration() + "|" + tm.getMetadata().getUid() + "|"
                + (source == null ? "-" : source.getMetadata().getUid() + "@" + source.getMetadata().getGeneration());
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}
