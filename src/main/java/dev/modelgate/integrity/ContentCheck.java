package dev.modelgate.integrity;

import java.util.List;

/**
 * A check that reads a file's bytes on the same pass as the hash (scanners, signature helpers).
 * The engine opens one {@link Session} per file, feeds it every chunk in order, then asks for findings.
 * Sessions run on the engine's worker threads, one thread per session at a time.
 */
public interface ContentCheck {

    /** Short name for logs and reports, e.g. {@code pickle-scan}. */
    String name();

    /** Starts reading {@code path} (relative) of {@code size} bytes; return null to skip this file. */
    Session open(String path, long size);

    /**
     * As {@link #open(String, long)}, with the file itself: a check that needs a few bytes the pass has moved
     * beyond (a scanner reading an archive's directory again) may read them from {@code content}.
     */
    default Session open(String path, java.nio.file.Path content, long size) {
        return open(path, size);
    }

    interface Session {
        void update(byte[] buffer, int offset, int length);

        /** Called once after the last chunk, with the file's hex sha256. */
        List<Finding> finish(String sha256);
    }
}
