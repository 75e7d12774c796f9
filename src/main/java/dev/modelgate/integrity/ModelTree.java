package dev.modelgate.integrity;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What lies below a model root, without following links: regular files to hash, and the entries that
 * are refused outright (links out of the root, hard links, special files). Symbolic links are accepted
 * only when they resolve to a regular file inside the root; the link's path is what the manifest names,
 * the target's bytes are what gets hashed.
 */
public final class ModelTree {

    /** A file the engine may read: its relative path, the real file to open, and its size. */
    public record Entry(String path, Path content, long size) {
    }

    private final Path root;
    private final Map<String, Entry> files;
    private final Map<String, Finding> refused;
    private final List<String> directories;

    private ModelTree(Path root, Map<String, Entry> files, Map<String, Finding> refused, List<String> directories) {
        this.root = root;
        this.files = files;
        this.refused = refused;
        this.directories = directories;
    }

    public Path root() {
        return root;
    }

    /** Readable regular files by relative path, in path order. */
    public Map<String, Entry> files() {
        return files;
    }

    /** Entries refused while walking (link escapes, hard links, special files, unreadable), by path. */
    public Map<String, Finding> refused() {
        return refused;
    }

    /** Relative paths of the directories below the root (a declared file must never be one). */
    public List<String> directories() {
        return directories;
    }

    /**
     * Walks {@code root}. Throws {@link BadRootException} when the root is missing or not a directory.
     */
    public static ModelTree walk(Path root, IgnoreRules ignore) throws BadRootException {
        return walk(root, ignore, java.util.Set.of());
    }

    /**
     * Walks {@code root}, never ignoring the {@code declared} paths or the directories that hold them: an
     * ignore glob is for strays, it must not hide an approved file and turn it into a "missing" one.
     */
    public static ModelTree walk(Path root, IgnoreRules ignore, java.util.Set<String> declared)
            throws BadRootException {
        java.util.Set<String> declaredDirs = new java.util.HashSet<>();
        for (String p : declared) {
            for (int i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) {
                declaredDirs.add(p.substring(0, i));
            }
        }
        Path realRoot;
        try {
            realRoot = root.toRealPath();
        } catch (NoSuchFileException e) {
            throw new BadRootException(root + ": model directory does not exist");
        } catch (IOException e) {
            throw new BadRootException(root + ": model directory cannot be resolved: " + e.getMessage());
        }
        if (!Files.isDirectory(realRoot)) {
            throw new BadRootException(root + ": is not a directory");
        }
        Map<String, Entry> files = new TreeMap<>(Manifest.PATH_ORDER);
        Map<String, Finding> refused = new TreeMap<>(Manifest.PATH_ORDER);
        List<String> dirs = new ArrayList<>();
        try {
            Files.walkFileTree(realRoot, EnumSet.noneOf(java.nio.file.FileVisitOption.class), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            if (!dir.equals(realRoot)) {
                                String rel = relative(realRoot, dir);
                                if (ignore.ignores(rel) && !declaredDirs.contains(rel)) {
                                    return FileVisitResult.SKIP_SUBTREE;
                                }
                                dirs.add(rel);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            String rel = relative(realRoot, file);
                            if (declared.contains(rel) || !ignore.ignores(rel)) {
                                classify(realRoot, file, rel, attrs, files, refused);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            String rel = relative(realRoot, file);
                            if (declared.contains(rel) || !ignore.ignores(rel)) {
                                refused.put(rel, new Finding(FindingKind.UNREADABLE, rel,
                                        rel + ": cannot be read (" + describe(e) + ")"));
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new BadRootException(root + ": cannot be walked: " + describe(e));
        }
        return new ModelTree(realRoot, files, refused, dirs);
    }

    private static void classify(Path root, Path file, String rel, BasicFileAttributes attrs,
            Map<String, Entry> files, Map<String, Finding> refused) {
        if (attrs.isSymbolicLink()) {
            classifyLink(root, file, rel, files, refused);
        } else if (attrs.isRegularFile()) {
            int links = linkCount(file, LinkOption.NOFOLLOW_LINKS);
            if (links > 1) {
                refused.put(rel, hardLink(rel, links));
            } else {
                files.put(rel, new Entry(rel, file, attrs.size()));
            }
        } else if (attrs.isDirectory()) {
            // reached only at the depth limit; nothing to do
        } else {
            refused.put(rel, new Finding(FindingKind.SPECIAL_FILE, rel,
                    rel + ": is a special file (FIFO, socket or device), not a regular file; it was not opened"));
        }
    }

    private static void classifyLink(Path root, Path link, String rel, Map<String, Entry> files,
            Map<String, Finding> refused) {
        Path target;
        try {
            target = link.toRealPath();
        } catch (IOException e) {
            refused.put(rel, new Finding(FindingKind.SYMLINK_BROKEN, rel,
                    rel + ": is a symbolic link to " + readLink(link) + ", which does not exist"));
            return;
        }
        if (!target.startsWith(root)) {
            refused.put(rel, new Finding(FindingKind.SYMLINK_ESCAPE, rel,
                    rel + ": is a symbolic link to " + target + ", outside the model root " + root, root.toString(),
                    target.toString()));
            return;
        }
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(target, BasicFileAttributes.class);
        } catch (IOException e) {
            refused.put(rel, new Finding(FindingKind.UNREADABLE, rel, rel + ": cannot be read (" + describe(e) + ")"));
            return;
        }
        if (attrs.isDirectory()) {
            refused.put(rel, new Finding(FindingKind.SYMLINK_DIRECTORY, rel,
                    rel + ": is a symbolic link to the directory " + relative(root, target)
                            + "; links to directories are not followed"));
        } else if (!attrs.isRegularFile()) {
            refused.put(rel, new Finding(FindingKind.SPECIAL_FILE, rel,
                    rel + ": links to a special file (FIFO, socket or device); it was not opened"));
        } else {
            int links = linkCount(target, LinkOption.NOFOLLOW_LINKS);
            if (links > 1) {
                refused.put(rel, hardLink(rel, links));
            } else {
                files.put(rel, new Entry(rel, target, attrs.size()));
            }
        }
    }

    private static Finding hardLink(String rel, int links) {
        return new Finding(FindingKind.HARD_LINK, rel, rel + ": is a hard link (" + links
                + " names share its bytes, so they can change from outside the model); copy the file instead",
                "1", Integer.toString(links));
    }

    private static int linkCount(Path p, LinkOption... options) {
        try {
            Object n = Files.getAttribute(p, "unix:nlink", options);
            return n instanceof Integer i ? i : 1;
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return 1; // non-POSIX file system: no hard-link information
        }
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    static String relative(Path root, Path p) {
        Path r = root.relativize(p);
        if (r.getFileSystem().getSeparator().equals("/")) {
            return r.toString();
        }
        return r.toString().replace(r.getFileSystem().getSeparator(), "/");
    }

    static String describe(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        String m = e.getMessage();
        if (e instanceof java.io.FileNotFoundException && m != null) {
            // FileInputStream reports errno as "<path> (<strerror>)"
            if (m.endsWith("(Permission denied)")) {
                return "permission denied";
            }
            if (m.endsWith("(No such file or directory)")) {
                return "no such file";
            }
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** The model root is missing or not a directory: bad input, nothing was verified. */
    public static final class BadRootException extends Exception {
        public BadRootException(String message) {
            super(message);
        }
    }
}
