package dev.modelgate.signing;

import dev.modelgate.integrity.EngineOptions;
import dev.modelgate.integrity.FileHasher;
import dev.modelgate.integrity.FileResult;
import dev.modelgate.integrity.Finding;
import dev.modelgate.integrity.FindingKind;
import dev.modelgate.integrity.IntegrityEngine;
import dev.modelgate.integrity.IntegrityReport;
import dev.modelgate.integrity.Manifest;
import dev.modelgate.integrity.ManifestEntry;
import dev.modelgate.integrity.ModelTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares the files a verified statement lists with the model on disk, exactly: every signed file present
 * with the signed bytes, nothing else (bar what the {@link IgnorePolicy} leaves out). {@code files}
 * serialization goes through the {@link IntegrityEngine} (one read pass per file, links and hard links refused,
 * renames named); {@code shards} hashes byte ranges here, on the engine's walk.
 */
final class SignedManifestCheck {

    /** What was compared, and which present paths were left out. */
    record Checked(IntegrityReport report, List<String> ignored) {
    }

    private SignedManifestCheck() {
    }

    static Checked check(Path model, Path bundle, OmsStatement st, IgnorePolicy policy, EngineOptions options)
            throws OmsException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(model, BasicFileAttributes.class);
        } catch (IOException e) {
            throw OmsException.badInput(model + ": the model does not exist or cannot be read");
        }
        if (st.resources().isEmpty()) {
            throw OmsException.invalid("the signature covers no files; an empty model is never valid");
        }
        if (attrs.isRegularFile()) {
            return singleFile(model, st, options);
        }
        Path root;
        try {
            root = model.toRealPath();
        } catch (IOException e) {
            throw OmsException.badInput(model + ": cannot be resolved: " + e.getMessage());
        }
        ModelScope scope = scope(root, bundle, st, policy, options);
        IgnorePaths.requireNoSignedFileHidden(scope, st);
        ModelTree tree;
        try {
            tree = ModelTree.walk(root, scope.rules());
        } catch (ModelTree.BadRootException e) {
            throw OmsException.badInput(e.getMessage());
        }
        if (!st.serialization().allowSymlinks()) {
            for (ModelTree.Entry e : tree.files().values()) {
                if (!e.content().equals(tree.root().resolve(e.path()))) {
                    throw OmsException.invalid(e.path() + ": is a symbolic link, but the model was signed without "
                            + "following links (allow_symlinks: false)");
                }
            }
        }
        List<String> ignored = scope.present(root);
        if (st.serialization().shards()) {
            return new Checked(ShardCheck.verify(tree, st, options.threads()), ignored);
        }
        for (OmsStatement.Resource r : st.resources()) {
            if (".".equals(r.path())) {
                throw OmsException.invalid("the signature is for a single-file model, but " + model
                        + " is a directory");
            }
        }
        List<ManifestEntry> entries = new ArrayList<>();
        for (OmsStatement.Resource r : st.resources()) {
            ModelTree.Entry have = tree.files().get(r.path());
            // OMS records no sizes: take the size on disk, so the engine judges by digest (a file that changes
            // size between the walks is still caught as a size mismatch).
            entries.add(new ManifestEntry(r.path(), r.digest(), have == null ? 0 : have.size()));
        }
        Manifest manifest = Manifest.of(entries);
        IntegrityReport report = new IntegrityEngine(options.withIgnore(scope.rules()).withStrict(true))
                .verify(root, manifest);
        return new Checked(renames(reword(report, manifest), manifest, tree, options), ignored);
    }

    /** Renames worth naming are bounded: at most this many unsigned files are read to find them. */
    static final int MAX_RENAME_CANDIDATES = 256;

    /**
     * OMS records no sizes, so the engine cannot pair a missing signed file with an unsigned one holding its bytes.
     * When both kinds are found, the unsigned files are read (failure path only, bounded) and each pair becomes one
     * {@code renamed} finding, as the engine reports for TrustedModels.
     */
    private static IntegrityReport renames(IntegrityReport report, Manifest manifest, ModelTree tree,
            EngineOptions options) {
        List<Finding> missing = report.findings(FindingKind.MISSING);
        List<Finding> extra = report.findings(FindingKind.EXTRA);
        if (missing.isEmpty() || extra.isEmpty() || extra.size() > MAX_RENAME_CANDIDATES) {
            return report;
        }
        Map<String, String> missingByDigest = new LinkedHashMap<>();
        for (Finding f : missing) {
            manifest.get(f.path()).ifPresent(e -> missingByDigest.putIfAbsent(e.sha256(), e.path()));
        }
        Map<String, FileResult> resultByPath = new LinkedHashMap<>();
        for (FileResult r : report.files()) {
            resultByPath.put(r.path(), r);
        }
        FileHasher hasher = new FileHasher(options.bufferSize());
        Map<String, String> renamedTo = new LinkedHashMap<>(); // missing path -> where its bytes are
        for (Finding f : extra) {
            ModelTree.Entry e = tree.files().get(f.path());
            if (e == null) {
                continue;
            }
            FileResult r = resultByPath.get(f.path());
            String sha = r == null ? null : r.sha256();
            if (sha == null) {
                try {
                    sha = hasher.hash(e.path(), e.content(), e.size(), Long.MAX_VALUE, List.of()).sha256();
                } catch (IOException x) {
                    continue;
                }
            }
            String was = missingByDigest.remove(sha);
            if (was != null) {
                renamedTo.put(was, f.path());
            }
        }
        if (renamedTo.isEmpty()) {
            return report;
        }
        Set<String> movedTo = new HashSet<>(renamedTo.values());
        List<Finding> findings = new ArrayList<>();
        for (Finding f : report.findings()) {
            if (f.kind() == FindingKind.EXTRA && movedTo.contains(f.path())) {
                continue;
            }
            String to = f.kind() == FindingKind.MISSING ? renamedTo.get(f.path()) : null;
            findings.add(to == null ? f : new Finding(FindingKind.RENAMED, f.path(), f.path()
                    + ": is missing, but its exact bytes are at " + to
                    + " (renamed); the signed unit is the path with the bytes", f.path(), to));
        }
        Map<String, Finding> byPath = new LinkedHashMap<>();
        for (Finding f : findings) {
            byPath.putIfAbsent(f.path(), f);
        }
        List<FileResult> files = new ArrayList<>();
        for (FileResult r : report.files()) {
            if (movedTo.contains(r.path())) {
                continue;
            }
            Finding f = byPath.get(r.path());
            files.add(f != null && f.kind() == FindingKind.RENAMED
                    ? new FileResult(r.path(), f.kind().id(), f.message(), -1, null, 0) : r);
        }
        return new IntegrityReport(report.root(), files, findings, report.manifest(), report.bytesHashed(),
                report.millis());
    }

    private static ModelScope scope(Path root, Path bundle, OmsStatement st, IgnorePolicy policy,
            EngineOptions options) {
        List<String> paths = new ArrayList<>(IgnorePolicy.DEFAULTS);
        paths.addAll(policy.callerPaths());
        if (bundle != null) {
            Path real = bundle;
            try {
                real = bundle.toRealPath();
            } catch (IOException e) {
                // keep the path as given
            }
            String rel = ModelScope.relativeInside(root, real);
            if (rel != null) {
                paths.add(rel);
            }
        }
        List<String> signer = st.serialization().ignorePaths();
        if (signer != null) {
            for (String p : signer) {
                if (policy.honours(p)) {
                    paths.add(p);
                }
            }
        }
        return new ModelScope(paths, options.ignore().globs());
    }

    /** OMS records no sizes: a missing file's message must not claim one. */
    private static IntegrityReport reword(IntegrityReport report, Manifest manifest) {
        List<Finding> findings = new ArrayList<>();
        Map<String, String> changed = new LinkedHashMap<>();
        for (Finding f : report.findings()) {
            if (f.kind() == FindingKind.MISSING) {
                Finding g = new Finding(FindingKind.MISSING, f.path(), f.path()
                        + ": is signed but not in the model directory", f.expected(), f.actual());
                findings.add(g);
                changed.put(f.path(), g.message());
            } else {
                findings.add(f);
            }
        }
        List<FileResult> files = new ArrayList<>();
        for (FileResult r : report.files()) {
            String m = changed.get(r.path());
            files.add(m == null ? r : new FileResult(r.path(), r.result(), m, r.size(), r.sha256(), r.millis()));
        }
        return new IntegrityReport(report.root(), files, findings, report.manifest(), report.bytesHashed(),
                report.millis());
    }

    /** A single-file model (model_signing names its one resource "."): hashed with the engine's file hasher. */
    private static Checked singleFile(Path file, OmsStatement st, EngineOptions options) throws OmsException {
        String name = file.getFileName().toString();
        for (OmsStatement.Resource r : st.resources()) {
            if (!".".equals(r.path()) && !name.equals(r.path())) {
                throw OmsException.invalid("the signature covers " + r.path() + ", but " + file
                        + " is a single file");
            }
        }
        long start = System.nanoTime();
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw OmsException.badInput(file + ": cannot be read: " + e.getMessage());
        }
        if (!attrs.isRegularFile()) {
            throw OmsException.invalid(file + ": is not a regular file (a symbolic link?); it was not read");
        }
        try {
            Object links = Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            if (links instanceof Integer n && n > 1) {
                throw OmsException.invalid(file + ": is a hard link (" + n + " names share its bytes, so they can "
                        + "change from outside the model); copy the file instead");
            }
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            // no hard-link information on this file system
        }
        List<Finding> findings = new ArrayList<>();
        FileResult result;
        long bytes = 0;
        if (st.serialization().shards()) {
            ShardCheck.requireTiling(name, st.resources(), st.serialization().shardSize());
            ShardCheck.Judged j = ShardCheck.judge(name, file, attrs.size(), st.resources(),
                    st.serialization().shardSize());
            findings.addAll(j.findings());
            result = j.result();
            bytes = j.bytes();
        } else {
            if (st.resources().size() != 1) {
                throw OmsException.invalid("the signature covers " + st.resources().size()
                        + " entries for a single file");
            }
            String want = st.resources().get(0).digest();
            try {
                FileHasher.Hashed h = new FileHasher(options.bufferSize()).hash(name, file, attrs.size(),
                        Long.MAX_VALUE, List.of());
                bytes = h.bytes();
                if (!h.sha256().equals(want)) {
                    Finding f = new Finding(FindingKind.DIGEST_MISMATCH, name, name + ": sha256 is " + h.sha256()
                            + ", expected " + want, want, h.sha256());
                    findings.add(f);
                    result = new FileResult(name, f.kind().id(), f.message(), h.bytes(), h.sha256(), h.millis());
                } else {
                    result = new FileResult(name, FileResult.OK, null, h.bytes(), h.sha256(), h.millis());
                }
            } catch (IOException e) {
                Finding f = new Finding(FindingKind.UNREADABLE, name, name + ": cannot be read (" + e.getMessage()
                        + ")");
                findings.add(f);
                result = new FileResult(name, f.kind().id(), f.message(), -1, null, 0);
            }
        }
        return new Checked(new IntegrityReport(file.toString(), List.of(result), findings, Manifest.of(List.of()),
                bytes, (System.nanoTime() - start) / 1_000_000), List.of());
    }

    /** Ignore paths must never hide a file the signature covers. */
    static final class IgnorePaths {
        private IgnorePaths() {
        }

        static void requireNoSignedFileHidden(ModelScope scope, OmsStatement st) throws OmsException {
            Set<String> seen = new HashSet<>();
            for (OmsStatement.Resource r : st.resources()) {
                if (!seen.add(r.path())) {
                    continue;
                }
                String by = scope.coveredBy(r.path());
                if (by != null) {
                    throw OmsException.badInput("ignore path '" + by + "' would hide the signed file " + r.path());
                }
            }
        }
    }

    static Map<String, List<OmsStatement.Resource>> byPath(List<OmsStatement.Resource> resources) {
        Map<String, List<OmsStatement.Resource>> m = new TreeMap<>(Manifest.PATH_ORDER);
        for (OmsStatement.Resource r : resources) {
            m.computeIfAbsent(r.path(), k -> new ArrayList<>()).add(r);
        }
        return m;
    }
}
