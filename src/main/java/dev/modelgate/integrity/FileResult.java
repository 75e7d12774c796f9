package dev.modelgate.integrity;

/**
 * The verdict on one path: a declared file, or an undeclared one the engine had to look at.
 *
 * @param path    relative POSIX path below the model root
 * @param result  {@code ok} or the {@link FindingKind#id()} of the first problem found
 * @param reason  the finding's sentence, or null when ok
 * @param size    bytes on disk (-1 when absent)
 * @param sha256  hex digest when the file was hashed, else null
 * @param millis  time spent reading this file
 */
public record FileResult(String path, String result, String reason, long size, String sha256, long millis) {

    public static final String OK = "ok";

    public boolean ok() {
        return OK.equals(result);
    }
}
