package dev.modelgate.integrity;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Proves that a directory holds exactly the files of a manifest, or describes a directory as a manifest.
 * Plain Java on purpose: the CLI and the verifier init-container use it without starting a framework.
 *
 * <p>Every file is read once, by one worker thread, in parallel across files; the hash and any
 * {@link ContentCheck}s share that pass.
 */
public final class IntegrityEngine {

    private final EngineOptions options;
    private final FileHasher hasher;
    private final List<ContentCheck> checks;

    public IntegrityEngine(EngineOptions options) {
        this(options, null);
    }

    /** With a hook into every read (tests write behind the reader with it). */
    IntegrityEngine(EngineOptions options, FileHasher.ReadHook hook) {
        this.options = options;
        this.hasher = new FileHasher(options.bufferSize(), hook);
        this.checks = options.effectiveChecks();
    }

    public IntegrityEngine() {
        this(EngineOptions.defaults());
    }

    /** Hashes every file below {@code root} (for {@code modelgate hash} and {@code approve}). */
    public IntegrityReport describe(Path root) {
        long start = System.nanoTime();
        ModelTree tree;
        try {
            tree = ModelTree.walk(root, options.ignore());
        } catch (ModelTree.BadRootException e) {
            return badRoot(root, e.getMessage(), start);
        }
        List<Finding> findings = new ArrayList<>(tree.refused().values());
        Map<String, FileResult> results = new TreeMap<>(Manifest.PATH_ORDER);
        for (Finding f : tree.refused().values()) {
            results.put(f.path(), failed(f, -1, null, 0));
        }
        List<ManifestEntry> entries = new ArrayList<>();
        List<Finding> warnings = new ArrayList<>();
        long[] bytes = {0};
        runAll(new ArrayList<>(tree.files().values()), entry -> {
            HashJob job = hashOne(entry, Long.MAX_VALUE);
            return job;
        }, job -> {
            bytes[0] += job.bytes;
            findings.addAll(job.findings);
            warnings.addAll(job.warnings);
            if (job.hashed != null) {
                entries.add(new ManifestEntry(job.entry.path(), job.hashed.sha256(), job.hashed.bytes()));
            }
            results.put(job.entry.path(), job.result(job.entry.size()));
        });
        if (tree.files().isEmpty() && tree.refused().isEmpty()) {
            findings.add(new Finding(FindingKind.BAD_ROOT, "", root + ": contains no files"));
        }
        return new IntegrityReport(tree.root().toString(), new ArrayList<>(results.values()), sortFindings(findings),
                Manifest.of(entries), bytes[0], elapsed(start), sortFindings(warnings));
    }

    /** Checks that {@code root} holds exactly {@code expected}: every file present, intact, and (strict) nothing else. */
    public IntegrityReport verify(Path root, Manifest expected) {
        long start = System.nanoTime();
        ModelTree tree;
        try {
            tree = ModelTree.walk(root, options.ignore(), expected.byPath().keySet());
        } catch (ModelTree.BadRootException e) {
            return badRoot(root, e.getMessage(), start);
        }
        List<Finding> findings = new ArrayList<>();
        Map<String, FileResult> results = new TreeMap<>(Manifest.PATH_ORDER);
        Set<String> dirs = new TreeSet<>(tree.directories());

        // 1. Declared files: present? the right kind of file? the right length?
        List<ModelTree.Entry> toHash = new ArrayList<>();
        List<ManifestEntry> missing = new ArrayList<>();
        for (ManifestEntry want : expected.entries()) {
            String p = want.path();
            ModelTree.Entry have = tree.files().get(p);
            Finding refused = tree.refused().get(p);
            if (refused != null) {
                findings.add(refused);
                results.put(p, failed(refused, -1, null, 0));
            } else if (have == null && dirs.contains(p)) {
                Finding f = new Finding(FindingKind.NOT_A_FILE, p, p + ": is a directory, but the model declares a file");
                findings.add(f);
                results.put(p, failed(f, -1, null, 0));
            } else if (have == null) {
                missing.add(want);
            } else if (have.size() != want.size()) {
                Finding f = sizeMismatch(p, want.size(), have.size());
                findings.add(f);
                results.put(p, failed(f, have.size(), null, 0));
            } else {
                toHash.add(have);
            }
        }

        // 2. Undeclared entries: refused kinds always count; plain files count in strict mode. An undeclared
        //    file that has the size of a missing one is hashed too, to tell a rename from a stray.
        Map<Long, Integer> missingSizes = new HashMap<>();
        for (ManifestEntry m : missing) {
            missingSizes.merge(m.size(), 1, Integer::sum);
        }
        List<ModelTree.Entry> extras = new ArrayList<>();
        for (Finding refused : tree.refused().values()) {
            if (!expected.contains(refused.path())) {
                findings.add(refused);
                results.put(refused.path(), failed(refused, -1, null, 0));
            }
        }
        for (ModelTree.Entry e : tree.files().values()) {
            if (!expected.contains(e.path()) && options.strict()) {
                extras.add(e);
                if (missingSizes.containsKey(e.size())) {
                    toHash.add(e);
                }
            }
        }

        // 3. One read pass per file, in parallel.
        Map<String, HashJob> hashed = new LinkedHashMap<>();
        long[] bytes = {0};
        runAll(toHash, e -> hashOne(e, expected.get(e.path()).map(m -> m.size() + 1).orElse(e.size() + 1)),
                job -> {
                    hashed.put(job.entry.path(), job);
                    bytes[0] += job.bytes;
                });

        // 4. Judge declared files that were read.
        Map<String, String> declaredByDigest = new HashMap<>();
        for (ManifestEntry m : expected.entries()) {
            declaredByDigest.putIfAbsent(m.sha256() + "/" + m.size(), m.path());
        }
        for (ModelTree.Entry e : toHash) {
            ManifestEntry want = expected.get(e.path()).orElse(null);
            if (want == null) {
                continue;
            }
            HashJob job = hashed.get(e.path());
            if (job.hashed == null) {
                findings.addAll(job.findings);
                results.put(e.path(), job.result(e.size()));
                continue;
            }
            Finding f = null;
            if (job.hashed.bytes() != want.size()) {
                f = sizeMismatch(e.path(), want.size(), job.hashed.bytes());
            } else if (!job.hashed.sha256().equals(want.sha256())) {
                String other = declaredByDigest.get(job.hashed.sha256() + "/" + job.hashed.bytes());
                String hint = other == null ? "" : " (it holds the bytes declared for " + other + ": files swapped?)";
                f = new Finding(FindingKind.DIGEST_MISMATCH, e.path(), e.path() + ": sha256 is " + job.hashed.sha256()
                        + ", expected " + want.sha256() + hint, want.sha256(), job.hashed.sha256());
            }
            if (f != null) {
                findings.add(f);
                results.put(e.path(), failed(f, job.hashed.bytes(), job.hashed.sha256(), job.hashed.millis()));
            } else if (!job.findings.isEmpty()) {
                findings.addAll(job.findings);
                results.put(e.path(), failed(job.findings.get(0), job.hashed.bytes(), job.hashed.sha256(),
                        job.hashed.millis()));
            } else {
                results.put(e.path(), new FileResult(e.path(), FileResult.OK, null, job.hashed.bytes(),
                        job.hashed.sha256(), job.hashed.millis()));
            }
        }

        // 5. Missing files: renamed when an undeclared file holds exactly their bytes.
        Map<String, ModelTree.Entry> extraByDigest = new HashMap<>();
        for (ModelTree.Entry e : extras) {
            HashJob job = hashed.get(e.path());
            if (job != null && job.hashed != null) {
                extraByDigest.putIfAbsent(job.hashed.sha256() + "/" + job.hashed.bytes(), e);
            }
        }
        Set<String> renamedTo = new TreeSet<>();
        for (ManifestEntry want : missing) {
            ModelTree.Entry moved = extraByDigest.remove(want.sha256() + "/" + want.size());
            Finding f;
            if (moved != null) {
                renamedTo.add(moved.path());
                f = new Finding(FindingKind.RENAMED, want.path(), want.path() + ": is missing, but its exact bytes are at "
                        + moved.path() + " (renamed); the signed unit is the path with the bytes", want.path(),
                        moved.path());
            } else {
                f = new Finding(FindingKind.MISSING, want.path(), want.path() + ": is declared (" + want.size()
                        + " bytes) but not on the volume");
            }
            findings.add(f);
            results.put(want.path(), failed(f, -1, null, 0));
        }

        // 6. Strays (strict mode).
        for (ModelTree.Entry e : extras) {
            if (renamedTo.contains(e.path())) {
                continue;
            }
            HashJob job = hashed.get(e.path());
            Finding f = new Finding(FindingKind.EXTRA, e.path(), e.path()
                    + ": is not part of any declared model (strict mode); remove it or add an ignore glob");
            findings.add(f);
            results.put(e.path(), failed(f, e.size(), job == null || job.hashed == null ? null : job.hashed.sha256(),
                    job == null ? 0 : job.millis()));
        }

        List<ManifestEntry> seen = new ArrayList<>();
        List<Finding> warnings = new ArrayList<>();
        for (HashJob job : hashed.values()) {
            warnings.addAll(job.warnings);
            if (job.hashed != null && job.hashed.bytes() == job.entry.size()) {
                seen.add(new ManifestEntry(job.entry.path(), job.hashed.sha256(), job.hashed.bytes()));
            }
        }
        return new IntegrityReport(tree.root().toString(), new ArrayList<>(results.values()), sortFindings(findings),
                Manifest.of(seen), bytes[0], elapsed(start), sortFindings(warnings));
    }

    // ---- internals ----

    /** The outcome of reading one file: hashed, or an I/O finding. */
    private static final class HashJob {
        final ModelTree.Entry entry;
        final FileHasher.Hashed hashed;
        final List<Finding> findings;
        /** Check findings that do not fail the file (their kind's outcome is OK). */
        final List<Finding> warnings = new ArrayList<>();
        final long bytes;

        HashJob(ModelTree.Entry entry, FileHasher.Hashed hashed, List<Finding> all) {
            this.entry = entry;
            this.hashed = hashed;
            this.findings = new ArrayList<>();
            for (Finding f : all) {
                (f.outcome() == Outcome.OK ? warnings : findings).add(f);
            }
            this.bytes = hashed == null ? 0 : hashed.bytes();
        }

        long millis() {
            return hashed == null ? 0 : hashed.millis();
        }

        FileResult result(long size) {
            if (!findings.isEmpty()) {
                return failed(findings.get(0), size, hashed == null ? null : hashed.sha256(), millis());
            }
            return new FileResult(entry.path(), FileResult.OK, null, hashed.bytes(), hashed.sha256(), hashed.millis());
        }
    }

    private HashJob hashOne(ModelTree.Entry entry, long limit) {
        try {
            FileHasher.Hashed h = hasher.hash(entry.path(), entry.content(), entry.size(), limit, checks);
            return new HashJob(entry, h, h.checkFindings());
        } catch (FileHasher.FileChangedException e) {
            return new HashJob(entry, null, List.of(new Finding(FindingKind.CHANGED_DURING_READ, entry.path(),
                    e.getMessage() + "; verify again once nothing writes to the volume")));
        } catch (IOException e) {
            Finding f = new Finding(FindingKind.UNREADABLE, entry.path(),
                    entry.path() + ": cannot be read (" + ModelTree.describe(e) + ")");
            return new HashJob(entry, null, List.of(f));
        }
    }

    private interface Job<T> {
        T run(ModelTree.Entry e);
    }

    private interface Sink<T> {
        void accept(T t);
    }

    /** Runs {@code job} over every entry on the worker pool; {@code sink} sees results on this thread. */
    private <T> void runAll(List<ModelTree.Entry> entries, Job<T> job, Sink<T> sink) {
        if (entries.isEmpty()) {
            return;
        }
        // Largest first, so one big file does not start last and leave a core idle at the end.
        List<ModelTree.Entry> order = new ArrayList<>(entries);
        order.sort(Collections.reverseOrder(java.util.Comparator.comparingLong(ModelTree.Entry::size)));
        int threads = Math.min(options.threads(), order.size());
        if (threads == 1) {
            for (ModelTree.Entry e : order) {
                sink.accept(job.run(e));
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "modelgate-hash");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (ModelTree.Entry e : order) {
                futures.add(pool.submit(() -> job.run(e)));
            }
            for (Future<T> f : futures) {
                sink.accept(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("hashing failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Finding sizeMismatch(String path, long want, long have) {
        String what = have < want ? "truncated?" : "appended to?";
        return new Finding(FindingKind.SIZE_MISMATCH, path, path + ": is " + have + " bytes, expected " + want
                + " (" + what + ")", Long.toString(want), Long.toString(have));
    }

    private static FileResult failed(Finding f, long size, String sha256, long millis) {
        return new FileResult(f.path(), f.kind().id(), f.message(), size, sha256, millis);
    }

    private static List<Finding> sortFindings(List<Finding> findings) {
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(java.util.Comparator.comparing(Finding::path, Manifest.PATH_ORDER)
                .thenComparing(f -> f.kind().ordinal()));
        return sorted;
    }

    private static IntegrityReport badRoot(Path root, String message, long start) {
        Finding f = new Finding(FindingKind.BAD_ROOT, "", message);
        return new IntegrityReport(root.toString(), List.of(), List.of(f), Manifest.of(List.of()), 0, elapsed(start));
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
