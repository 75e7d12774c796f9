package dev.modelgate.verifier;

import dev.modelgate.integrity.FindingKind;
import dev.modelgate.integrity.Outcome;

/**
 * Why {@code verify-pod} refused a pod, as a stable word for machines: the first line of the termination
 * message is {@code modelgate: <ReasonCode>: <sentence>} and the summary JSON line carries it as {@code code}.
 * Each code has one exit code (DESIGN.md: 1 verification failed, 2 bad input or plan, 3 download or I/O).
 */
public enum ReasonCode {
    /** Everything verified. */
    Verified(Outcome.OK),
    /** A file's bytes are not the declared ones (on the volume, or as downloaded). */
    DigestMismatch(Outcome.VERIFICATION_FAILED),
    /** A file has another length than declared, or a download sent more bytes than declared. */
    SizeMismatch(Outcome.VERIFICATION_FAILED),
    /** A declared file is not on the volume and has no url to download it from. */
    MissingFile(Outcome.VERIFICATION_FAILED),
    /** A declared file is missing but its exact bytes lie under another name. */
    RenamedFile(Outcome.VERIFICATION_FAILED),
    /** A file on the volume belongs to no declared model (strict mode). */
    ExtraFile(Outcome.VERIFICATION_FAILED),
    /** A symbolic link that leaves the volume, or a file reached through one. */
    SymlinkEscape(Outcome.VERIFICATION_FAILED),
    /** A declared file with more than one hard link (another name could change its bytes). */
    HardLink(Outcome.VERIFICATION_FAILED),
    /** A declared path that is a directory, FIFO, device, socket, or a link to nothing or to a directory. */
    NotAFile(Outcome.VERIFICATION_FAILED),
    /** A file changed while it was read. */
    ChangedDuringRead(Outcome.VERIFICATION_FAILED),
    /** The scanner found a CRITICAL or HIGH finding (or could not parse a file) under scan policy enforce. */
    ScanFinding(Outcome.VERIFICATION_FAILED),
    /** A required signature is missing, invalid, from an untrusted, revoked or expired key, or does not match. */
    BadSignature(Outcome.VERIFICATION_FAILED),
    /** The plan is absent, malformed, of another version, or names things it lacks; or the volume root is absent. */
    BadPlan(Outcome.BAD_INPUT),
    /** The verifier failed in a way it has no other code for; nothing was verified (a bug to report). */
    VerifierError(Outcome.BAD_INPUT),
    /** The plan's SHA-256 differs from the pod annotation the validating webhook approved. */
    PlanDigestMismatch(Outcome.BAD_INPUT),
    /** A download could not be completed: TLS, HTTP status, redirect to http, connection lost, retries used up. */
    DownloadFailed(Outcome.IO_FAILURE),
    /** The volume could not be read or written. */
    IoFailure(Outcome.IO_FAILURE);

    private final Outcome outcome;

    ReasonCode(Outcome outcome) {
        this.outcome = outcome;
    }

    public Outcome outcome() {
        return outcome;
    }

    public int exitCode() {
        return outcome.exitCode();
    }

    /** The code of an integrity finding. */
    public static ReasonCode of(FindingKind kind) {
        return switch (kind) {
            case DIGEST_MISMATCH -> DigestMismatch;
            case SIZE_MISMATCH -> SizeMismatch;
            case MISSING -> MissingFile;
            case RENAMED -> RenamedFile;
            case EXTRA -> ExtraFile;
            case SYMLINK_ESCAPE -> SymlinkEscape;
            case HARD_LINK -> HardLink;
            case SYMLINK_BROKEN, SYMLINK_DIRECTORY, SPECIAL_FILE, NOT_A_FILE -> NotAFile;
            case CHANGED_DURING_READ -> ChangedDuringRead;
            case CONTENT_CHECK, SCAN_FINDING, SCAN_WARNING -> ScanFinding;
            case UNREADABLE -> IoFailure;
            case BAD_ROOT -> BadPlan;
        };
    }
}
