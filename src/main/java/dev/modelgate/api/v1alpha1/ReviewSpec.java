package dev.modelgate.api.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** When an approval (of a model or of a source) was last reviewed, and how often it must be. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.interval) || has(self.lastReviewed)",
        fieldPath = ".lastReviewed", reason = "FieldValueRequired",
        message = "review.interval needs review.lastReviewed: the next review is due one interval after the last one")
public class ReviewSpec {

    @JsonPropertyDescription("How often the approval must be reviewed: a positive number of hours, days or weeks, "
            + "e.g. 90d. A review is due interval after lastReviewed.")
    @Pattern(ApiPatterns.REVIEW_INTERVAL)
    @Size(max = 16)
    private String interval;

    @JsonPropertyDescription("Date of the last review (YYYY-MM-DD).")
    @JsonSerialize(using = SchemaFormat.Date.class)
    private String lastReviewed;

    @JsonPropertyDescription("Who did the last review (a person or team).")
    @Size(max = 256)
    private String reviewer;

    public ReviewSpec() {
    }

    public String getInterval() {
        return interval;
    }

    public void setInterval(String interval) {
        this.interval = interval;
    }

    public String getLastReviewed() {
        return lastReviewed;
    }

    public void setLastReviewed(String lastReviewed) {
        this.lastReviewed = lastReviewed;
    }

    public String getReviewer() {
        return reviewer;
    }

    public void setReviewer(String reviewer) {
        this.reviewer = reviewer;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReviewSpec other
                && Objects.equals(interval, other.interval)
                && Objects.equals(lastReviewed, other.lastReviewed)
                && Objects.equals(reviewer, other.reviewer);
    }

    @Override
    public int hashCode() {
        return Objects.hash(interval, lastReviewed, reviewer);
    }
}
