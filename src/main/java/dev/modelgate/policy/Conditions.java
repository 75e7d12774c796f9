package dev.modelgate.policy;

import dev.modelgate.api.v1alpha1.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Kubernetes-style conditions: a judge produces drafts (type, status, reason, message); {@link #merge} stamps
 * them, keeping {@code lastTransitionTime} when the status did not change, so a re-reconcile with nothing new
 * writes an identical status (idempotent, no update storm).
 */
public final class Conditions {

    private Conditions() {
    }

    public static Condition draft(String type, boolean status, String reason, String message) {
        return new Condition(type, status ? Condition.TRUE : Condition.FALSE, reason, message, null, null);
    }

    /** The drafts, in their order, stamped against the previous conditions. */
    public static List<Condition> merge(List<Condition> previous, List<Condition> drafts, Instant now,
            Long generation) {
        List<Condition> out = new ArrayList<>(drafts.size());
        String stamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
        for (Condition d : drafts) {
            Optional<Condition> old = Condition.find(previous, d.getType());
            String since = old.filter(o -> d.getStatus().equals(o.getStatus()) && o.getLastTransitionTime() != null)
                    .map(Condition::getLastTransitionTime).orElse(stamp);
            out.add(new Condition(d.getType(), d.getStatus(), d.getReason(), d.getMessage(), since, generation));
        }
        return out;
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return Condition.find(conditions, type).map(c -> Condition.TRUE.equals(c.getStatus())).orElse(false);
    }
}
