package dev.modelgate.operator;

import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The operator's clock in tests: real time shifted by an offset the test sets, so a review can be made to fall
 * due two seconds from now without sleeping through an interval. Replaces the default {@link Clock} bean.
 */
@Singleton
public class SettableClock extends Clock {

    private volatile Duration offset = Duration.ZERO;

    /** From now on, the clock reads {@code instant} and keeps ticking from there. */
    public void setTo(Instant instant) {
        offset = Duration.between(Instant.now(), instant);
    }

    public void advance(Duration by) {
        offset = offset.plus(by);
    }

    public void reset() {
        offset = Duration.ZERO;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the operator works in UTC");
    }
}
