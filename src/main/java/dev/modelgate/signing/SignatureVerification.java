package dev.modelgate.signing;

import dev.modelgate.integrity.IntegrityReport;
import dev.modelgate.integrity.Outcome;
import java.util.List;

/**
 * The verdict on one signed model.
 *
 * @param outcome    ok, verification failed, bad input or I/O failure (the exit code)
 * @param message    one sentence: what verified the model, or the first reason it was refused
 * @param keyName    the trusted key whose signature verified (null when none did)
 * @param statement  the signed statement (null when the signature did not verify or could not be read)
 * @param report     the comparison of the signed files with the directory (null when not reached)
 * @param ignored    files present in the model but left out of the check (signer, caller or default ignores)
 */
public record SignatureVerification(Outcome outcome, String message, String keyName, OmsStatement statement,
        IntegrityReport report, List<String> ignored) {

    public SignatureVerification {
        ignored = ignored == null ? List.of() : List.copyOf(ignored);
    }

    public boolean ok() {
        return outcome == Outcome.OK;
    }

    public int exitCode() {
        return outcome.exitCode();
    }

    static SignatureVerification refused(OmsException e, String keyName, OmsStatement statement) {
        return new SignatureVerification(e.outcome(), e.getMessage(), keyName, statement, null, List.of());
    }
}
