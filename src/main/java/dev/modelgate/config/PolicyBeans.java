package dev.modelgate.config;

import dev.modelgate.policy.VerdictCache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The policy code is plain Java (the CLI runs it too); the objects of it the application shares are made here. */
@ApplicationScoped
public class PolicyBeans {

    /** One cache of verdicts for the reconcilers and the webhooks, which judge the same objects. */
    @Produces
    @Singleton
    VerdictCache verdictCache() {
        return new VerdictCache();
    }
}
