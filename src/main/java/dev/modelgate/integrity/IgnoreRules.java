package dev.modelgate.integrity;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Globs for files strict mode should not count as strays (editor swap files, a cache folder).
 * A glob without '/' matches a file name at any depth ({@code *.tmp}); a glob with '/' matches the
 * whole relative path ({@code .cache/**}); a glob starting with '/' is anchored at the root ({@code /.gitattributes}
 * matches that file at the root only). Ignored files are neither reported nor read.
 */
public final class IgnoreRules {

    public static final IgnoreRules NONE = new IgnoreRules(List.of());

    private final List<String> globs;
    private final List<PathMatcher> nameMatchers = new ArrayList<>();
    private final List<PathMatcher> pathMatchers = new ArrayList<>();

    public IgnoreRules(List<String> globs) {
        this.globs = List.copyOf(globs);
        for (String glob : this.globs) {
            if (glob.isBlank()) {
                throw new IllegalArgumentException("ignore glob is empty");
            }
            boolean anchored = glob.startsWith("/");
            String pattern = anchored ? glob.substring(1) : glob;
            if (pattern.isBlank()) {
                throw new IllegalArgumentException("ignore glob '" + glob + "' names nothing");
            }
            PathMatcher m;
            try {
                m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("ignore glob '" + glob + "' is not a valid glob: " + e.getMessage());
            }
            (anchored || glob.contains("/") ? pathMatchers : nameMatchers).add(m);
        }
    }

    public List<String> globs() {
        return globs;
    }

    /** Whether {@code relativePath} (POSIX, relative to the root) is ignored. */
    public boolean ignores(String relativePath) {
        if (globs.isEmpty()) {
            return false;
        }
        Path p;
        try {
            p = Path.of(relativePath);
        } catch (java.nio.file.InvalidPathException e) {
            // A name the JVM cannot encode (no UTF-8 locale) matches no glob: it stays in the check, where an
            // undeclared file is a stray and a declared one is refused by name. Fail closed, never ignored.
            return false;
        }
        Path name = p.getFileName();
        for (PathMatcher m : nameMatchers) {
            if (name != null && m.matches(name)) {
                return true;
            }
        }
        for (PathMatcher m : pathMatchers) {
            if (m.matches(p)) {
                return true;
            }
        }
        return false;
    }
}
