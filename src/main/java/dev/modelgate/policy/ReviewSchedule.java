package dev.modelgate.policy;

import dev.modelgate.api.v1alpha1.ApiPatterns;
import dev.modelgate.api.v1alpha1.ReviewSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * When a review falls due: {@code lastReviewed} (a date, taken as 00:00 UTC) plus {@code interval}. A review is due
 * from that instant on, exactly; the operator requeues itself for it instead of polling.
 */
public final class ReviewSchedule {

    private static final Pattern INTERVAL = Pattern.compile(ApiPatterns.REVIEW_INTERVAL);

    private ReviewSchedule() {
    }

    /** The instant the next review falls due, empty when no schedule is set. Throws on malformed fields. */
    public static Optional<Instant> dueAt(ReviewSpec review) {
        if (review == null || review.getInterval() == null || review.getInterval().isBlank()) {
            return Optional.empty();
        }
        Duration interval = interval(review.getInterval());
        if (review.getLastReviewed() == null || review.getLastReviewed().isBlank()) {
            throw new IllegalArgumentException("review.interval is set but review.lastReviewed is missing; "
                    + "the next review is due one interval after the last one");
        }
        LocalDate last;
        try {
            last = LocalDate.parse(review.getLastReviewed());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("review.lastReviewed '" + review.getLastReviewed()
                    + "' is not a date (YYYY-MM-DD)");
        }
        return Optional.of(last.atStartOfDay(ZoneOffset.UTC).toInstant().plus(interval));
    }

    /** {@code 90d}, {@code 12h}, {@code 2w}. */
    public static Duration interval(String text) {
        if (text == null || !INTERVAL.matcher(text).matches()) {
            throw new IllegalArgumentException("review.interval '" + text
                    + "' is not a positive number of hours, days or weeks (e.g. 90d)");
        }
        long n;
        try {
            n = Long.parseLong(text.substring(0, text.length() - 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("review.interval '" + text + "' is too large");
        }
        long hours = switch (text.charAt(text.length() - 1)) {
            case 'h' -> n;
            case 'd' -> Math.multiplyExact(n, 24L);
            default -> Math.multiplyExact(n, 24L * 7);
        };
        if (hours > 24L * 366 * 100) {
            throw new IllegalArgumentException("review.interval '" + text + "' is longer than a hundred years");
        }
        return Duration.ofHours(hours);
    }
}
