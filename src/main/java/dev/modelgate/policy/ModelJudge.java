package dev.modelgate.policy;

import dev.modelgate.api.v1alpha1.Condition;
import dev.modelgate.api.v1alpha1.ConditionType;
import dev.modelgate.api.v1alpha1.ModelFile;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.api.v1alpha1.TrustedModelSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Judges a {@code TrustedModel} as a pure function of its spec, its source and the time. The operator writes the
 * verdict into status; {@code modelgate check} and the webhooks call the same function, so a model is Ready in
 * a GitOps pipeline exactly when the operator would call it Ready in the cluster.
 *
 * <p>Ready = a usable file list (valid paths and digests, no duplicates), the source exists and is Ready, every
 * file url lies under one of the source's prefixes, a signature is declared when the source requires one, and
 * the model is not revoked. An overdue review is reported in {@code ReviewDue} but does not change Ready: the
 * admission decision applies the configured review-overdue action.
 */
public final class ModelJudge {

    private ModelJudge() {
    }

    /** {@code source} may be null (not found); then the model is not Ready. */
    public static ModelVerdict judge(TrustedModel model, ModelSource source, Instant now) {
        return judge(model, source, source == null ? null : SourceJudge.judge(source, now), now);
    }

    /** With the source's verdict already computed (the operator judges each source once). */
    public static ModelVerdict judge(TrustedModel model, ModelSource source, SourceVerdict sourceVerdict,
            Instant now) {
        String who = ModelManifests.name(model);
        TrustedModelSpec spec = model.getSpec();
        List<Instant> changes = new ArrayList<>();

        // Revocation first: it is the most important thing to say.
        boolean revoked = spec != null && spec.hasRevocation();
        String revokedWhy = revoked && spec.getRevoked().getReason() != null ? spec.getRevoked().getReason() : null;
        Condition revokedCondition = revoked
                ? Conditions.draft(ConditionType.REVOKED, true, "ModelRevoked", who + " is revoked"
                        + (revokedWhy == null || revokedWhy.isBlank() ? "" : ": " + revokedWhy))
                : Conditions.draft(ConditionType.REVOKED, false, "NotRevoked", who + " is not revoked");

        // Source.
        String sourceName = spec == null ? null : spec.getSource();
        boolean sourceTrusted;
        Condition sourceCondition;
        if (sourceName == null || sourceName.isBlank()) {
            sourceTrusted = false;
            sourceCondition = Conditions.draft(ConditionType.SOURCE_TRUSTED, false, "SourceMissing",
                    who + " names no spec.source; name the ModelSource it comes from");
        } else if (source == null) {
            sourceTrusted = false;
            sourceCondition = Conditions.draft(ConditionType.SOURCE_TRUSTED, false, "SourceNotFound",
                    "ModelSource " + sourceName + " does not exist; create it or fix spec.source of " + who);
        } else if (!sourceVerdict.ready()) {
            sourceTrusted = false;
            sourceCondition = Conditions.draft(ConditionType.SOURCE_TRUSTED, false, "SourceNotReady",
                    sourceVerdict.message());
        } else {
            sourceTrusted = true;
            sourceCondition = Conditions.draft(ConditionType.SOURCE_TRUSTED, true, "SourceReady",
                    "ModelSource " + sourceName + " is Ready");
        }
        if (sourceVerdict != null) {
            sourceVerdict.nextChange().ifPresent(changes::add);
        }

        // Files and declaration.
        List<String> problems = spec == null ? List.of(who + ": spec is missing") : ModelManifests.problems(model);
        String problemReason = problems.isEmpty() ? null
                : problems.stream().anyMatch(p -> p.contains("declared twice")) ? "DuplicatePath" : "InvalidFiles";
        String digest = null;
        int fileCount = spec == null || spec.getFiles() == null ? 0 : spec.getFiles().size();
        if (problems.isEmpty()) {
            digest = ModelManifests.manifest(model).digest();
        }
        String urlProblem = null;
        boolean ociProblem = false;
        String signatureProblem = null;
        if (problems.isEmpty() && source != null && source.getSpec() != null) {
            List<ModelFile> files = spec.getFiles();
            for (int i = 0; i < files.size() && urlProblem == null; i++) {
                ModelFile f = files.get(i);
                if (f.getUrl() != null) {
                    Optional<String> p = UrlPrefixes.problem(f.getUrl(), source.getSpec().getUrls());
                    if (p.isPresent()) {
                        urlProblem = who + ": spec.files[" + i + "] (" + f.getPath() + "): " + p.get()
                                + " of ModelSource " + sourceName + "; fix the url or add its prefix to the source";
                    }
                }
            }
            if (urlProblem == null) {
                urlProblem = OciTrust.problem(model, source).orElse(null);
                ociProblem = urlProblem != null && spec.getOci() != null;
            }
            if (source.getSpec().getSigning() != null && source.getSpec().getSigning().signatureRequired()
                    && spec.getSignature() == null) {
                signatureProblem = "ModelSource " + sourceName + " requires signed models but " + who
                        + " declares no spec.signature; sign the model and set spec.signature.bundlePath "
                        + "(default model.sig)";
            }
        }

        // Review.
        boolean reviewDue = false;
        Condition reviewCondition;
        try {
            Optional<Instant> due = ReviewSchedule.dueAt(spec == null ? null : spec.getReview());
            if (due.isPresent() && !now.isBefore(due.get())) {
                reviewDue = true;
                reviewCondition = Conditions.draft(ConditionType.REVIEW_DUE, true, "ReviewOverdue",
                        "review of " + who + " was due at " + due.get() + " (last reviewed "
                                + spec.getReview().getLastReviewed() + ", every " + spec.getReview().getInterval()
                                + "); review it and update spec.review.lastReviewed");
            } else if (sourceVerdict != null && sourceVerdict.reviewDue()) {
                reviewDue = true;
                reviewCondition = Conditions.draft(ConditionType.REVIEW_DUE, true, "SourceReviewOverdue",
                        "the review of ModelSource " + sourceName + " is overdue");
            } else if (due.isPresent()) {
                changes.add(due.get());
                reviewCondition = Conditions.draft(ConditionType.REVIEW_DUE, false, "ReviewCurrent",
                        "next review due at " + due.get());
            } else {
                reviewCondition = Conditions.draft(ConditionType.REVIEW_DUE, false, "NoReviewSchedule",
                        "no review interval is set");
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            reviewCondition = Conditions.draft(ConditionType.REVIEW_DUE, false, "InvalidReview", e.getMessage());
            problems = new ArrayList<>(problems);
            problems.add(who + ": " + e.getMessage());
            problemReason = problemReason == null ? "InvalidReview" : problemReason;
        }

        String reason;
        String message;
        if (revoked) {
            reason = "Revoked";
            message = revokedCondition.getMessage() + "; pods naming it are refused";
        } else if (!problems.isEmpty()) {
            reason = problemReason;
            message = String.join("; ", problems);
        } else if (!sourceTrusted) {
            reason = "SourceNotTrusted";
            message = sourceCondition.getMessage();
        } else if (urlProblem != null) {
            reason = ociProblem ? "ReferenceOutsideSource" : "UrlOutsideSource";
            message = urlProblem;
        } else if (signatureProblem != null) {
            reason = "SignatureMissing";
            message = signatureProblem;
        } else {
            reason = "Verified";
            message = who + " is approved: " + fileCount + " file" + (fileCount == 1 ? "" : "s")
                    + " from ModelSource " + sourceName;
        }
        boolean ready = "Verified".equals(reason);
        List<Condition> conditions = List.of(Conditions.draft(ConditionType.READY, ready, reason, message),
                sourceCondition, reviewCondition, revokedCondition);
        Optional<Instant> next = changes.stream().filter(now::isBefore).min(Instant::compareTo);
        return new ModelVerdict(key(model), ready, reason, message, sourceTrusted, revoked, reviewDue, digest,
                fileCount, conditions, next);
    }

    static String key(TrustedModel tm) {
        String ns = tm.getMetadata() == null ? null : tm.getMetadata().getNamespace();
        String n = tm.getMetadata() == null ? null : tm.getMetadata().getName();
        return (ns == null ? "" : ns + "/") + n;
    }
}
