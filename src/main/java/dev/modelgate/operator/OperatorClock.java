package dev.modelgate.operator;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The one source of "now" for the operator: reviews fall due and keys expire by it. Tests replace it with a clock
 * they can move (any other {@link Clock} bean wins over this default).
 */
@ApplicationScoped
public class OperatorClock {

    @Produces
    @Singleton
    @DefaultBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
