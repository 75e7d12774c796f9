package dev.modelgate.verifier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one-to-three line message {@code kubectl describe pod} shows for the verifier. Line 1 is for machines
 * and people alike: {@code modelgate: <ReasonCode>: <sentence>}; line 2 counts the problems; line 3 says
 * where the details are. The kubelet keeps at most 4096 bytes, so lines are cut at {@link #MAX_LINE}.
 */
public final class TerminationMessage {

    static final int MAX_LINE = 1000;

    private TerminationMessage() {
    }

    public static String of(PodReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("modelgate: ").append(r.code().name()).append(": ").append(cut(r.message())).append('\n');
        if (!r.ok()) {
            if (r.failures() > 1) {
                sb.append(r.failures()).append(" problems in total (exit ").append(r.exitCode()).append(")\n");
            } else {
                sb.append("exit ").append(r.exitCode()).append('\n');
            }
            sb.append("details: kubectl logs <pod> -c modelgate-verifier (one JSON line per file)\n");
        }
        return sb.toString();
    }

    /** Writes the message; returns why it could not, or null (a missing termination log never changes the verdict). */
    public static String write(Path file, PodReport r) {
        try {
            Files.writeString(file, of(r), StandardCharsets.UTF_8);
            return null;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "cannot write the termination message to " + file + " (" + e.getMessage() + ")";
        }
    }

    /**
     * Writes the message into {@code file} only if it already exists as a regular file (never created, never
     * through a link); returns why it did not, or null. A file that does not exist is not a problem: outside a
     * container there is no termination log.
     */
    public static String writeExisting(Path file, PodReport r) {
        try {
            if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            Files.writeString(file, of(r), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return null;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "cannot write the termination message to " + file + " (" + e.getMessage() + ")";
        }
    }

    private static String cut(String s) {
        String one = s.replace('\n', ' ').replace('\r', ' ');
        return one.length() <= MAX_LINE ? one : one.substring(0, MAX_LINE - 1) + "…";
    }
}
