package dev.modelgate.integrity;

/** Every distinct problem the engine reports; each maps to one {@link Outcome}. */
public enum FindingKind {
    /** A declared file is not on the volume. */
    MISSING(Outcome.VERIFICATION_FAILED),
    /** A file on the volume belongs to no declared model (strict mode). */
    EXTRA(Outcome.VERIFICATION_FAILED),
    /** A declared file has the wrong length (truncated or appended to). */
    SIZE_MISMATCH(Outcome.VERIFICATION_FAILED),
    /** A declared file has the right length but other bytes. */
    DIGEST_MISMATCH(Outcome.VERIFICATION_FAILED),
    /** A declared file's exact bytes lie under another, undeclared name. */
    RENAMED(Outcome.VERIFICATION_FAILED),
    /** A symbolic link resolves outside the model root. */
    SYMLINK_ESCAPE(Outcome.VERIFICATION_FAILED),
    /** A symbolic link points at nothing. */
    SYMLINK_BROKEN(Outcome.VERIFICATION_FAILED),
    /** A symbolic link points at a directory; directories are never followed through links. */
    SYMLINK_DIRECTORY(Outcome.VERIFICATION_FAILED),
    /** A regular file with more than one hard link: its bytes can change through a name outside the model. */
    HARD_LINK(Outcome.VERIFICATION_FAILED),
    /** A FIFO, socket or device node: never opened. */
    SPECIAL_FILE(Outcome.VERIFICATION_FAILED),
    /** A declared path is a directory on the volume. */
    NOT_A_FILE(Outcome.VERIFICATION_FAILED),
    /** A file changed while it was being read. */
    CHANGED_DURING_READ(Outcome.VERIFICATION_FAILED),
    /** A content check (signature, scan) refused the file. */
    CONTENT_CHECK(Outcome.VERIFICATION_FAILED),
    /** The scanner found a CRITICAL or HIGH payload (or could not scan the file) under scan policy enforce. */
    SCAN_FINDING(Outcome.VERIFICATION_FAILED),
    /** A scan finding reported without failing: policy warn, or a MEDIUM finding or unparseable file. */
    SCAN_WARNING(Outcome.OK),
    /** A file or directory could not be read. */
    UNREADABLE(Outcome.IO_FAILURE),
    /** The model root itself is missing, not a directory, or empty when files were expected. */
    BAD_ROOT(Outcome.BAD_INPUT);

    private final Outcome outcome;

    FindingKind(Outcome outcome) {
        this.outcome = outcome;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** The kind as written in JSON output: lower-case with dashes, e.g. {@code digest-mismatch}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
