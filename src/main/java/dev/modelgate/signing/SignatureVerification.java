package dev.modelgate.signing;

import dev.modelgate.integrity.IntegrityReport;
import dev.modelgate.integrity.Outcome;
import java.util.List;

/**
 * The verdict on one signed model.
 *
 * @param outcome    ok, verification failed, bad input or I/O failure (the exit code)
 * @param message    one sentence: what verified the model, or the first reason it was refused
 * @param keyName    the trusted key's name, or the certificate or keyless identity, whose signature verified
 *                   (null when none did)
 * @param statement  the signed statement (null when the signature did not verify or could not be read)
 * @param report     the comparison of the signed files with the directory (null when not reached, or when the
 *                   signed files were compared with a manifest rather than read)
 * @param ignored    files present in the model but left out of the check (signer, caller or default ignores)
 * @param signer     who signed: kind, name and a phrase (null when no signature verified)
 */
public record SignatureVerification(Outcome outcome, String message, String keyName, OmsStatement statement,
        IntegrityReport report, List<String> ignored, Signer signer) {

    public SignatureVerification {
        ignored = ignored == null ? List.of() : List.copyOf(ignored);
    }

    public SignatureVerification(Outcome outcome, String message, String keyName, OmsStatement statement,
            IntegrityReport report, List<String> ignored) {
        this(outcome, message, keyName, statement, report, ignored, null);
    }

    public boolean ok() {
        return outcome == Outcome.OK;
    }

    public int exitCode() {
        return outcome.exitCode();
    }

    static SignatureVerification refused(OmsException e, Signer signer, OmsStatement statement) {
        return new SignatureVerification(e.outcome(), e.getMessage(), signer == null ? null : signer.name(), statement,
                null, List.of(), signer);
    }

    static SignatureVerification refused(OmsException e, String keyName, OmsStatement statement) {
        return new SignatureVerification(e.outcome(), e.getMessage(), keyName, statement, null, List.of(), null);
    }
}
