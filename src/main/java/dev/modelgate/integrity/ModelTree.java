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
import java.util.function.Predicate;

/**
 * What lies below a model root, without following links: regular files to hash, and the entries that
 * are refused outright (links out of the root, hard links, special files). Symbolic links are judged
 * lexically, never by asking the kernel where they lead: the verifier sees the volume at one mount path and
 * the application at another, so a link that climbs above the root and back down (or an absolute one) would
 * name different bytes in the two views. A link is accepted only when its target, resolved against the link's
 * own folder without leaving the root at any step and only through real folders, is a regular file that the
 * model itself contains (declared, when verifying); the link's path is what the manifest names, the target's
 * bytes are what gets hashed.
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
        return walk(root, ignore, java.util.Set.of(), new LinkTargets(p -> !ignore.ignores(p),
                "which the model leaves out (an ignore glob); a link may only name a file of the model"));
    }

    /**
     * Walks {@code root}, never ignoring the {@code declared} paths or the directories that hold them: an
     * ignore glob is for strays, it must not hide an approved file and turn it into a "missing" one.
     */
    public static ModelTree walk(Path root, IgnoreRules ignore, java.util.Set<String> declared)
            throws BadRootException {
        return walk(root, ignore, declared, new LinkTargets(declared::contains,
                "which no model declares; a link may only name a declared file"));
    }

    /** Which relative paths a symbolic link may name, and the end of the sentence for one it may not. */
    record LinkTargets(Predicate<String> allowed, String otherwise) {
    }

    private static ModelTree walk(Path root, IgnoreRules ignore, java.util.Set<String> declared, LinkTargets targets)
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
                                classify(realRoot, file, rel, attrs, targets, files, refused);
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

    private static void classify(Path root, Path file, String rel, BasicFileAttributes attrs, LinkTargets targets,
            Map<String, Entry> files, Map<String, Finding> refused) {
        if (attrs.isSymbolicLink()) {
            Judged j = judgeLink(root, rel, targets);
            if (j.entry() != null) {
                files.put(rel, j.entry());
            } else {
                refused.put(rel, j.refusal());
            }
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

    /** Links followed one after another before a chain is refused (the kernel allows 40; models need 1 or 2). */
    static final int MAX_LINK_HOPS = 8;

    /** The verdict on one symbolic link: the file to hash under the link's name, or why it is refused. */
    record Judged(Entry entry, Finding refusal) {
    }

    /**
     * Judges the link at {@code rel} on the relative paths alone (see the class comment). Every folder the target
     * passes through must be a real folder (a link there would make the kernel's answer differ from this one); a
     * target that is itself a link is judged the same way from its own folder, up to {@link #MAX_LINK_HOPS}.
     */
    static Judged judgeLink(Path root, String rel, LinkTargets targets) {
        String current = rel;
        for (int hop = 0; hop < MAX_LINK_HOPS; hop++) {
            String via = hop == 0 ? "" : " (through the link " + current + ")";
            String target;
            try {
                target = Files.readSymbolicLink(root.resolve(current)).toString();
            } catch (IOException | UnsupportedOperationException e) {
                return refuse(FindingKind.UNREADABLE, rel, rel + ": is a symbolic link that cannot be read ("
                        + (e instanceof IOException io ? describe(io) : e.getMessage()) + ")");
            }
            String what = rel + ": is a symbolic link to '" + target + "'" + via;
            if (target.startsWith("/")) {
                return new Judged(null, new Finding(FindingKind.SYMLINK_ESCAPE, rel, what + ", an absolute path; only "
                        + "relative links that stay inside the volume are allowed (the application mounts the volume "
                        + "at another path)", "relative", target));
            }
            // (NIO drops a trailing '/', so "file/" reads as "file"; the kernel would refuse it to the app anyway.)
            if (target.isEmpty()) {
                return refuse(FindingKind.SYMLINK_DIRECTORY, rel, what + ", which names a folder; links to folders "
                        + "are not followed");
            }
            List<String> parts = new ArrayList<>();
            int slash = current.lastIndexOf('/');
            if (slash > 0) {
                parts.addAll(List.of(current.substring(0, slash).split("/"))); // real folders: the walk saw them
            }
            boolean unchecked = false; // the last part came from the target and is not yet known to be a folder
            for (String seg : target.split("/")) {
                if (seg.isEmpty() || seg.equals(".")) {
                    continue;
                }
                if (unchecked) {
                    String dir = String.join("/", parts);
                    Finding bad = realFolder(root, rel, what, dir);
                    if (bad != null) {
                        return new Judged(null, bad);
                    }
                    unchecked = false;
                }
                if (seg.equals("..")) {
                    if (parts.isEmpty()) {
                        return new Judged(null, new Finding(FindingKind.SYMLINK_ESCAPE, rel, what + ", which climbs "
                                + "above the volume root; a link may only name a file of the volume without "
                                + "leaving it at any step", "inside the volume root", target));
                    }
                    parts.remove(parts.size() - 1);
                } else {
                    parts.add(seg);
                    unchecked = true;
                }
            }
            if (parts.isEmpty()) {
                return refuse(FindingKind.SYMLINK_DIRECTORY, rel, what + ", which names the volume root; links to "
                        + "folders are not followed");
            }
            String resolved = String.join("/", parts);
            Path file = root.resolve(resolved);
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return refuse(FindingKind.SYMLINK_BROKEN, rel, what + ", which does not exist (" + resolved
                        + " in the volume)");
            } catch (IOException e) {
                return refuse(FindingKind.UNREADABLE, rel, rel + ": cannot be read (" + resolved + ": " + describe(e)
                        + ")");
            }
            if (attrs.isSymbolicLink()) {
                current = resolved;
                continue;
            }
            if (attrs.isDirectory()) {
                return refuse(FindingKind.SYMLINK_DIRECTORY, rel, what + ", the folder " + resolved
                        + "; links to folders are not followed");
            }
            if (!attrs.isRegularFile()) {
                return refuse(FindingKind.SPECIAL_FILE, rel, what + ", a special file (FIFO, socket or device); "
                        + "it was not opened");
            }
            int links = linkCount(file, LinkOption.NOFOLLOW_LINKS);
            if (links > 1) {
                return new Judged(null, hardLink(rel, links));
            }
            if (!targets.allowed().test(resolved)) {
                return new Judged(null, new Finding(FindingKind.SYMLINK_ESCAPE, rel, what + ", that is " + resolved
                        + ", " + targets.otherwise(), "a declared file", resolved));
            }
            return new Judged(new Entry(rel, file, attrs.size()), null);
        }
        return refuse(FindingKind.SYMLINK_BROKEN, rel, rel + ": is a chain of more than " + MAX_LINK_HOPS
                + " symbolic links (or a loop); point the link straight at the file");
    }

    /** Null when {@code dir} (relative) is a real folder; else why a link through it is refused. */
    private static Finding realFolder(Path root, String rel, String what, String dir) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(root.resolve(dir), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return new Finding(FindingKind.SYMLINK_BROKEN, rel, what + ", which passes through " + dir
                    + ", which does not exist");
        } catch (IOException e) {
            return new Finding(FindingKind.UNREADABLE, rel, rel + ": cannot be read (" + dir + ": " + describe(e) + ")");
        }
        if (a.isSymbolicLink()) {
            return new Finding(FindingKind.SYMLINK_ESCAPE, rel, what + ", which passes through " + dir
                    + ", itself a symbolic link; links are followed only through real folders", "a real folder", dir);
        }
        if (!a.isDirectory()) {
            return new Finding(FindingKind.SYMLINK_BROKEN, rel, what + ", which passes through " + dir
                    + ", a file and not a folder");
        }
        return null;
    }

    private static Judged refuse(FindingKind kind, String rel, String message) {
        return new Judged(null, new Finding(kind, rel, message));
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
