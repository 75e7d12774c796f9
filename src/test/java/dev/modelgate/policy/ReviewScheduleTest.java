package dev.modelgate.policy;

import static dev.modelgate.policy.PolicyFixtures.review;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReviewScheduleTest {

    @Test
    void intervalsInHoursDaysWeeks() {
        assertEquals(Duration.ofHours(12), ReviewSchedule.interval("12h"));
        assertEquals(Duration.ofDays(90), ReviewSchedule.interval("90d"));
        assertEquals(Duration.ofDays(14), ReviewSchedule.interval("2w"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReviewSchedule.interval("0d"));
        assertTrue(e.getMessage().contains("not a positive number of hours, days or weeks"));
        assertThrows(IllegalArgumentException.class, () -> ReviewSchedule.interval("99999999999999999999d"));
        assertThrows(IllegalArgumentException.class, () -> ReviewSchedule.interval("1y"));
    }

    @Test
    void dueAtIsLastReviewedMidnightUtcPlusInterval() {
        assertEquals(Optional.of(Instant.parse("2026-04-01T00:00:00Z")),
                ReviewSchedule.dueAt(review("31d", "2026-03-01")));
        assertEquals(Optional.empty(), ReviewSchedule.dueAt(null));
        assertEquals(Optional.empty(), ReviewSchedule.dueAt(review(null, "2026-03-01")));
    }

    @Test
    void malformedFieldsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ReviewSchedule.dueAt(review("30d", null)))
                .getMessage().contains("review.lastReviewed is missing"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ReviewSchedule.dueAt(review("30d", "01/03/2026"))).getMessage()
                .contains("'01/03/2026' is not a date"));
    }
}
