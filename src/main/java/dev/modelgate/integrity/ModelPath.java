package dev.modelgate.integrity;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules for a file path inside a model: relative, POSIX separators, no {@code .} or {@code ..}
 * segments, no empty segments, no backslashes or control characters.
 *
 * <p>{@link #PATTERN} is used verbatim in the CRD schema (the API server evaluates it with RE2), so it
 * avoids look-arounds and anything else RE2 lacks; {@link #problem(String)} gives the same verdict with a
 * sentence a person can act on.
 */
public final class ModelPath {

    /** One segment: any characters but '/', '\', control characters; never "." or "..". */
    private static final String SEGMENT = "(?:[^/.\\\\\\x00-\\x1f][^/\\\\\\x00-\\x1f]*"
            + "|\\.[^/.\\\\\\x00-\\x1f][^/\\\\\\x00-\\x1f]*"
            + "|\\.\\.[^/\\\\\\x00-\\x1f]+)";

    /** Relative POSIX path of a model file; shared by the CRD schema and the engine. */
    public static final String PATTERN = "^" + SEGMENT + "(?:/" + SEGMENT + ")*$";

    /** Lower-case hex SHA-256, the only form ModelGate writes and accepts. */
    public static final String SHA256_PATTERN = "^[0-9a-f]{64}$";

    /** Longest path accepted (PATH_MAX on Linux). */
    public static final int MAX_LENGTH = 4096;

    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private ModelPath() {
    }

    /** Why {@code path} is not an acceptable model file path, or empty when it is. */
    public static Optional<String> problem(String path) {
        if (path == null || path.isEmpty()) {
            return Optional.of("path is empty");
        }
        // The API server counts characters (code points), not UTF-16 units.
        if (path.codePointCount(0, path.length()) > MAX_LENGTH) {
            return Optional.of("path is longer than " + MAX_LENGTH + " characters");
        }
        if (path.startsWith("/")) {
            return Optional.of("path '" + path + "' is absolute; model paths are relative to the volume root");
        }
        if (path.indexOf('\\') >= 0) {
            return Optional.of("path '" + path + "' contains a backslash; use '/' as the separator");
        }
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) < 0x20) {
                return Optional.of("path '" + printable(path) + "' contains a control character");
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                return Optional.of("path '" + path + "' has an empty segment ('//' or a trailing '/')");
            }
            if (segment.equals("..")) {
                return Optional.of("path '" + path + "' contains a '..' segment that would escape the model root");
            }
            if (segment.equals(".")) {
                return Optional.of("path '" + path + "' contains a '.' segment; write the path without it");
            }
        }
        // Defence in depth: the explicit checks above and the schema pattern must agree.
        if (!COMPILED.matcher(path).matches()) {
            return Optional.of("path '" + printable(path) + "' is not a relative POSIX path");
        }
        return Optional.empty();
    }

    /** Throws {@link IllegalArgumentException} with the reason when {@code path} is not acceptable. */
    public static String requireValid(String path) {
        problem(path).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return path;
    }

    /** Why {@code sha256} is not a lower-case 64-hex digest, or empty when it is. */
    public static Optional<String> sha256Problem(String sha256) {
        if (sha256 == null || sha256.isEmpty()) {
            return Optional.of("sha256 is missing");
        }
        if (!isSha256Hex(sha256)) {
            return Optional.of("sha256 '" + printable(sha256) + "' is not 64 lower-case hex characters");
        }
        return Optional.empty();
    }

    /** Same as matching {@code SHA256_PATTERN}, without a regex: this runs for every file of every judged model. */
    static boolean isSha256Hex(String s) {
        if (s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
