package dev.modelgate.signing;

import dev.modelgate.integrity.IgnoreRules;
import dev.modelgate.integrity.Manifest;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The files of a model a signature speaks about: everything below the root except exact paths (with their
 * subtrees) that are left out. OMS ignore paths are exact relative paths, so each becomes the engine glob
 * {@code {p,p/**}} with every glob character of {@code p} escaped.
 *
 * @param paths the exact relative paths left out, sorted
 * @param globs caller globs (the engine's {@code --ignore}), kept as they are
 */
record ModelScope(List<String> paths, List<String> globs) {

    ModelScope {
        paths = List.copyOf(new TreeSet<>(paths));
        globs = List.copyOf(globs);
    }

    IgnoreRules rules() {
        List<String> all = new ArrayList<>(globs);
        for (String p : paths) {
            String e = escape(p);
            all.add("{" + e + "," + e + "/**}");
        }
        return new IgnoreRules(all);
    }

    /** Whether {@code path} is one of the left-out paths or lies below one. */
    String coveredBy(String path) {
        for (String p : paths) {
            if (path.equals(p) || path.startsWith(p + "/")) {
                return p;
            }
        }
        return null;
    }

    /** The left-out paths that exist in {@code root}, for the report (a person should see what was not checked). */
    List<String> present(Path root) {
        List<String> out = new ArrayList<>();
        for (String p : paths) {
            if (Files.exists(root.resolve(p), LinkOption.NOFOLLOW_LINKS)) {
                out.add(p);
            }
        }
        out.sort(Manifest.PATH_ORDER);
        return out;
    }

    static String escape(String path) {
        StringBuilder b = new StringBuilder(path.length() + 8);
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if ("\\*?[]{},".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** The relative path of {@code file} below {@code root}, or null when it is not below it. */
    static String relativeInside(Path root, Path file) {
        Path r = root.toAbsolutePath().normalize();
        Path f = file.toAbsolutePath().normalize();
        if (!f.startsWith(r) || f.equals(r)) {
            return null;
        }
        return r.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
    }
}
