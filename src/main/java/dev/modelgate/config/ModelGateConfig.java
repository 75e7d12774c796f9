package dev.modelgate.config;

import dev.modelgate.policy.PolicySettings;
import dev.modelgate.policy.VerifierResources;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every ModelGate setting of the operator process, in one place (application.properties, env such as
 * {@code MODELGATE_ADMISSION_DEFAULT_MODE}, Helm values). Policy code receives {@link #policySettings()}.
 */
@ConfigMapping(prefix = "modelgate")
public interface ModelGateConfig {

    Verifier verifier();

    Admission admission();

    Operator operator();

    Webhook webhook();

    interface Verifier {
        /** Image of the injected verifier init-container (the ModelGate image itself). */
        @WithDefault(PolicySettings.DEFAULT_VERIFIER_IMAGE)
        String image();

        /** A file on the volume that belongs to no declared model fails verification. */
        @WithDefault("true")
        boolean strict();

        /** Globs (relative to the volume root) the strict check leaves out, e.g. {@code .cache/**}. */
        Optional<List<String>> ignore();

        /** Scan policy of a TrustedModel that sets none: enforce, warn or off. */
        @WithDefault("enforce")
        String scanPolicy();

        /** Requests and limits of the injected verifier ({@code none} leaves one out). */
        Resources resources();
    }

    interface Resources {
        @WithDefault("250m")
        String requestsCpu();

        @WithDefault("256Mi")
        String requestsMemory();

        @WithDefault("2")
        String limitsCpu();

        @WithDefault("512Mi")
        String limitsMemory();
    }

    interface Admission {
        /** Mode of an opted-in namespace without a {@code modelgate.dev/mode} label: enforce, warn or audit. */
        @WithDefault("enforce")
        String defaultMode();

        /** Namespaces never checked; kube-system and ModelGate's own namespace are always exempt. */
        Optional<List<String>> exemptNamespaces();

        /** What an overdue review does at admission: warn or deny. */
        @WithDefault("warn")
        String reviewOverdueAction();

        /** Users allowed to remove the enforce label from a namespace or the models annotation from a workload. */
        Optional<List<String>> guardAllowedUsers();

        /** Groups allowed to do the same. */
        Optional<List<String>> guardAllowedGroups();

        /**
         * Volume types allowed in enforced namespaces besides persistentVolumeClaim, emptyDir, configMap, secret,
         * downwardAPI, projected and ephemeral (e.g. {@code csi} for a secrets-store driver). Each can reach storage
         * outside the model contract: allow only types whose storage no one can point at a model store.
         */
        Optional<List<String>> allowedVolumeTypes();

        /** Largest AdmissionReview body accepted; larger ones get HTTP 413 (the API server caps objects at ~1.5 MiB). */
        @WithDefault("3145728")
        int maxRequestBytes();
    }

    interface Operator {
        /** Full re-list of watched resources, a safety net; decisions never wait for it. */
        @WithDefault("10m")
        Duration resync();

        /** The namespace ModelGate runs in (always exempt); from the downward API in the chart. */
        @WithDefault("modelgate-system")
        String namespace();

        /** Audit of running pods (Events, PolicyReports, metrics) when a model or its trust lapses. */
        Audit audit();

        /** Leader election of the reconcilers (active in the prod profile; webhooks are served by every replica). */
        LeaderElection leaderElection();

        /**
         * How often the leader checks that each OCI TrustedModel's manifest is still in its registry and still maps to
         * spec.files (the ArtifactAvailable condition; never part of Ready or admission).
         */
        @WithDefault("1h")
        Duration ociCheckInterval();
    }

    interface Audit {
        /** Report running pods that use revoked, review-due or no-longer-trusted models. */
        @WithDefault("true")
        boolean enabled();

        /** Name of the one PolicyReport ModelGate writes in each namespace. */
        @WithDefault("modelgate")
        String policyReportName();
    }

    interface LeaderElection {
        /** Name of the coordination.k8s.io Lease the replicas compete for. */
        @WithDefault("modelgate-operator")
        String leaseName();

        /** Namespace of that Lease; empty means the operator's own namespace ({@code modelgate.operator.namespace}). */
        Optional<String> leaseNamespace();
    }

    interface Webhook {
        /** Where the serving certificate comes from: {@code self-signed} (the operator manages it) or {@code cert-manager}. */
        @WithDefault("self-signed")
        String tlsSource();

        /** Secret holding the CA and serving certificate. */
        @WithDefault("modelgate-webhook-tls")
        String secretName();

        /** Service in front of the webhook endpoints; the serving certificate names it. */
        @WithDefault("modelgate-webhook")
        String serviceName();

        /**
         * Out-of-cluster mode: the https:// base URL the API server calls the webhooks at (e.g.
         * {@code https://localhost:8443}). When set, the operator writes {@code clientConfig.url} (this URL plus each
         * webhook's path) instead of the {@code service} reference into its webhook configurations, and the
         * self-managed serving certificate names the URL's host.
         */
        Optional<String> url();

        @WithDefault("modelgate")
        String mutatingConfigurationName();

        @WithDefault("modelgate")
        String validatingConfigurationName();

        /** Renew the serving certificate when less than this is left. */
        @WithDefault("30d")
        Duration renewBefore();

        /** HTTPS port of the webhook endpoints {@code /mutate} and {@code /validate} (0: any free port). */
        @WithDefault("8443")
        int port();

        /** With tls-source cert-manager: the mounted serving certificate chain (PEM), re-read every rotation-check. */
        @WithDefault("/etc/modelgate/webhook-tls/tls.crt")
        String certFile();

        /** With tls-source cert-manager: the mounted serving key (PEM). */
        @WithDefault("/etc/modelgate/webhook-tls/tls.key")
        String keyFile();

        /** How often each replica re-reads the certificate Secret, renews when due and serves what it holds. */
        @WithDefault("1h")
        Duration rotationCheck();
    }

    /** The policy view of these settings; invalid values fail start-up with the accepted values named. */
    default PolicySettings policySettings() {
        return Settings.policySettings(verifier().image(), admission().defaultMode(),
                admission().exemptNamespaces().orElse(List.of()), operator().namespace(),
                admission().reviewOverdueAction(), verifier().scanPolicy(), verifier().strict(),
                verifier().ignore().orElse(List.of()), admission().guardAllowedUsers().orElse(List.of()),
                admission().guardAllowedGroups().orElse(List.of()),
                admission().allowedVolumeTypes().orElse(List.of()),
                VerifierResources.of(verifier().resources().requestsCpu(), verifier().resources().requestsMemory(),
                        verifier().resources().limitsCpu(), verifier().resources().limitsMemory()));
    }
}
