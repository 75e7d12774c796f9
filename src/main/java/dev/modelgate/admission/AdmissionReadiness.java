package dev.modelgate.admission;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the admission caches have synced: until then both webhooks refuse everything, so the replica is
 * kept out of the webhook Service's endpoints and the API server calls a replica that can decide.
 */
@Readiness
@ApplicationScoped
public class AdmissionReadiness implements HealthCheck {

    @Inject
    AdmissionCaches caches;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("admission-caches").status(caches.synced()).build();
    }
}
