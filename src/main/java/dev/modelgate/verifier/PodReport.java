package dev.modelgate.verifier;

import java.util.List;

/**
 * The result of {@code verify-pod}: the per-file, download and signature events in output order, and the
 * verdict. {@code code} is {@link ReasonCode#Verified} exactly when every check passed.
 *
 * @param events   one per declared or stray file, per download, per signature
 * @param code     the reason of the verdict (the first failure of the deciding kind)
 * @param message  one sentence: what was verified, or the first reason the pod was refused
 * @param failures how many events failed
 * @param files    declared files
 * @param bytes    bytes hashed on the volume
 * @param downloaded bytes received over the network
 * @param millis   wall time of the whole verification
 */
public record PodReport(List<VerifierEvent> events, ReasonCode code, String message, int failures, int files,
        long bytes, long downloaded, long millis) {

    public PodReport {
        events = List.copyOf(events);
    }

    public boolean ok() {
        return code == ReasonCode.Verified;
    }

    public int exitCode() {
        return code.exitCode();
    }

    /** A refusal before any file was looked at (bad plan, digest mismatch, no volume). */
    public static PodReport refused(ReasonCode code, String message, long millis) {
        return new PodReport(List.of(), code, message, 1, 0, 0, 0, millis);
    }

    public static PodReport refused(Refusal r, long millis) {
        return refused(r.code(), r.message(), millis);
    }

    /** A code and its sentence, for a refusal decided before a report exists. */
    public record Refusal(ReasonCode code, String message) {
    }
}
