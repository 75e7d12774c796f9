package dev.modelgate.operator;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The verifier's termination message: its first line is {@code modelgate: <ReasonCode>: <sentence>}. Anything else
 * (a crash before the verifier could write, an image that is not ModelGate's) is still a failure, reported with
 * reason {@code VerifierFailed} and the text as found.
 *
 * @param reason  a CamelCase code, safe as a metric label and Event reason
 * @param message the sentence, at most {@link #MAX_MESSAGE} characters
 */
public record VerifierTermination(String reason, String message) {

    public static final String UNKNOWN_REASON = "VerifierFailed";
    static final int MAX_MESSAGE = 1024;
    private static final Pattern FIRST_LINE = Pattern.compile("^modelgate: ([A-Z][A-Za-z0-9]{0,62}): (.+)$");

    public static VerifierTermination parse(String terminationMessage, Integer exitCode) {
        String first = terminationMessage == null ? "" : terminationMessage.strip().lines().findFirst().orElse("");
        Matcher m = FIRST_LINE.matcher(first);
        if (m.matches()) {
            return new VerifierTermination(m.group(1), clip(m.group(2).strip()));
        }
        String fallback = first.isBlank()
                ? "the verifier exited with code " + exitCode + " and left no termination message"
                : first;
        return new VerifierTermination(UNKNOWN_REASON, clip(fallback));
    }

    private static String clip(String s) {
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE - 1) + "…";
    }
}
