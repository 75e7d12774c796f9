package dev.modelgate.policy;

import dev.modelgate.api.v1alpha1.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@link SourceJudge} decided about one {@code ModelSource}.
 *
 * @param name        the source's name
 * @param ready       whether models may rely on it
 * @param reason      CamelCase reason of the Ready condition
 * @param message     one sentence: why (not) ready, naming the key or certificate at fault
 * @param reviewDue   whether the source's own review is overdue
 * @param validKeys   keys that are parsed, not revoked and inside their window now
 * @param revokedKeys keys marked revoked
 * @param expiredKeys keys whose notAfter has passed
 * @param notes       revoked, expired and not-yet-valid keys, one sentence each
 * @param conditions  drafts of Ready and ReviewDue (no timestamps; see {@link Conditions#merge})
 * @param nextChange  the next instant this verdict changes by time alone (a key or certificate expires, a key
 *                    becomes valid, a review falls due); the operator requeues for it
 */
public record SourceVerdict(String name, boolean ready, String reason, String message, boolean reviewDue,
        int validKeys, int revokedKeys, int expiredKeys, List<String> notes, List<Condition> conditions,
        Optional<Instant> nextChange) {

    public SourceVerdict {
        notes = List.copyOf(notes);
        conditions = List.copyOf(conditions);
    }
}
