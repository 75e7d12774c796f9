package dev.modelgate.operator;

import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Keeps the operator SDK's own meters out of Prometheus. JOSDK 5.3.2 tags its meters with {@code namespace} for
 * namespaced resources only, so with a cluster-scoped ModelSource and a namespaced TrustedModel one meter name gets
 * two tag sets, which the Prometheus registry refuses by throwing inside the informers (and that kills the timer that
 * reschedules reconciles). ModelGate's own {@code modelgate_*} metrics cover reconciles (docs/operator.md).
 */
@Singleton
public class SdkMetricsFilter {

    static final String SDK_PREFIX = "operator.sdk.";

    @Produces
    @Singleton
    MeterFilter denySdkMeters() {
        return MeterFilter.denyNameStartsWith(SDK_PREFIX);
    }
}
