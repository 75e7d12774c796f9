package dev.modelgate.policy;

import dev.modelgate.api.v1alpha1.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@link ModelJudge} decided about one {@code TrustedModel}.
 *
 * @param model          {@code namespace/name}
 * @param ready          pods may use the model
 * @param reason         CamelCase reason of the Ready condition
 * @param message        one sentence: why (not) ready and how to fix it
 * @param sourceTrusted  the named source exists and is Ready
 * @param revoked        the model is revoked
 * @param reviewDue      the model's review (or its source's) is overdue
 * @param manifestDigest {@link ModelManifests} digest of the files, null when the file list is unusable
 * @param fileCount      number of declared files
 * @param conditions     drafts of Ready, SourceTrusted, ReviewDue and Revoked (see {@link Conditions#merge})
 * @param nextChange     the next instant the verdict changes by time alone (review due, source key expiry)
 */
public record ModelVerdict(String model, boolean ready, String reason, String message, boolean sourceTrusted,
        boolean revoked, boolean reviewDue, String manifestDigest, int fileCount, List<Condition> conditions,
        Optional<Instant> nextChange) {

    public ModelVerdict {
        conditions = List.copyOf(conditions);
    }
}
