package dev.modelgate.signing;

import dev.modelgate.integrity.FileResult;
import dev.modelgate.integrity.Finding;
import dev.modelgate.integrity.FindingKind;
import dev.modelgate.integrity.IntegrityReport;
import dev.modelgate.integrity.Manifest;
import dev.modelgate.integrity.ModelTree;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code shards} serialization against a directory. A file's shards must tile it exactly:
 * {@code [0,s) [s,2s) … [ks,size)}, so the last end is the file's size; zero-length files have no shards
 * (the spec leaves them out of {@code resources}), so an empty file on disk needs none.
 */
final class ShardCheck {

    private ShardCheck() {
    }

    /** One file judged: its result, its findings, the bytes read. */
    record Judged(FileResult result, List<Finding> findings, long bytes) {
    }

    static IntegrityReport verify(ModelTree tree, OmsStatement st, int threads) throws OmsException {
        long start = System.nanoTime();
        long shardSize = st.serialization().shardSize();
        Map<String, List<OmsStatement.Resource>> byPath = SignedManifestCheck.byPath(st.resources());
        for (Map.Entry<String, List<OmsStatement.Resource>> e : byPath.entrySet()) {
            requireTiling(e.getKey(), e.getValue(), shardSize);
        }
        List<Finding> findings = new ArrayList<>();
        Map<String, FileResult> results = new TreeMap<>(Manifest.PATH_ORDER);
        Set<String> dirs = new TreeSet<>(tree.directories());
        List<Map.Entry<String, List<OmsStatement.Resource>>> toRead = new ArrayList<>();
        for (Map.Entry<String, List<OmsStatement.Resource>> e : byPath.entrySet()) {
            String p = e.getKey();
            long size = end(e.getValue());
            Finding refused = tree.refused().get(p);
            ModelTree.Entry have = tree.files().get(p);
            Finding f = null;
            if (".".equals(p)) {
                f = new Finding(FindingKind.NOT_A_FILE, p, "the signature is for a single-file model, but "
                        + tree.root() + " is a directory");
            } else if (refused != null) {
                f = refused;
            } else if (have == null && dirs.contains(p)) {
                f = new Finding(FindingKind.NOT_A_FILE, p, p + ": is a directory, but the signature covers a file");
            } else if (have == null) {
                f = new Finding(FindingKind.MISSING, p, p + ": is signed but not in the model directory");
            } else if (have.size() != size) {
                f = sizeMismatch(p, size, have.size());
            }
            if (f != null) {
                findings.add(f);
                results.put(p, new FileResult(p, f.kind().id(), f.message(), have == null ? -1 : have.size(), null, 0));
            } else {
                toRead.add(e);
            }
        }
        for (Finding refused : tree.refused().values()) {
            if (!byPath.containsKey(refused.path())) {
                findings.add(refused);
                results.put(refused.path(), new FileResult(refused.path(), refused.kind().id(), refused.message(), -1,
                        null, 0));
            }
        }
        for (ModelTree.Entry e : tree.files().values()) {
            if (!byPath.containsKey(e.path()) && e.size() > 0) {
                Finding f = new Finding(FindingKind.EXTRA, e.path(), e.path()
                        + ": is not covered by the signature; remove it or sign the model again");
                findings.add(f);
                results.put(e.path(), new FileResult(e.path(), f.kind().id(), f.message(), e.size(), null, 0));
            }
        }
        toRead.sort(Comparator.comparingLong((Map.Entry<String, List<OmsStatement.Resource>> e) -> end(e.getValue()))
                .reversed());
        List<Judged> judged = ShardDigests.parallel(toRead, threads, e -> {
            ModelTree.Entry have = tree.files().get(e.getKey());
            return judge(e.getKey(), have.content(), have.size(), e.getValue(), shardSize);
        });
        long bytes = 0;
        for (Judged j : judged) {
            findings.addAll(j.findings());
            results.put(j.result().path(), j.result());
            bytes += j.bytes();
        }
        findings.sort(Comparator.comparing(Finding::path, Manifest.PATH_ORDER)
                .thenComparing(f -> f.kind().ordinal()));
        return new IntegrityReport(tree.root().toString(), new ArrayList<>(results.values()), findings,
                Manifest.of(List.of()), bytes, (System.nanoTime() - start) / 1_000_000);
    }

    /** Reads one file once and compares each range with its signed digest. */
    static Judged judge(String path, Path content, long size, List<OmsStatement.Resource> shards, long shardSize) {
        long t0 = System.nanoTime();
        List<OmsStatement.Resource> sorted = new ArrayList<>(shards);
        sorted.sort(Comparator.comparingLong(OmsStatement.Resource::start));
        ShardDigests.Read read;
        try {
            read = ShardDigests.digest(content, shardSize);
        } catch (IOException e) {
            Finding f = new Finding(FindingKind.UNREADABLE, path, path + ": cannot be read (" + e.getMessage() + ")");
            return new Judged(new FileResult(path, f.kind().id(), f.message(), size, null, 0), List.of(f), 0);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long want = sorted.isEmpty() ? 0 : end(sorted);
        Finding f = null;
        if (read.bytes() != want) {
            f = sizeMismatch(path, want, read.bytes());
        } else {
            for (int i = 0; i < sorted.size(); i++) {
                OmsStatement.Resource r = sorted.get(i);
                String got = read.digests().get(i);
                if (!got.equals(r.digest())) {
                    f = new Finding(FindingKind.DIGEST_MISMATCH, path, path + ": bytes " + r.start() + " to " + r.end()
                            + " have sha256 " + got + ", expected " + r.digest() + " (shard " + r.name() + ")",
                            r.digest(), got);
                    break;
                }
            }
        }
        if (f != null) {
            return new Judged(new FileResult(path, f.kind().id(), f.message(), read.bytes(), null, ms), List.of(f),
                    read.bytes());
        }
        return new Judged(new FileResult(path, FileResult.OK, null, read.bytes(), null, ms), List.of(), read.bytes());
    }

    /** Shards must start at 0, follow each other without gap or overlap, and be full except the last. */
    static void requireTiling(String path, List<OmsStatement.Resource> shards, long shardSize) throws OmsException {
        List<OmsStatement.Resource> sorted = new ArrayList<>(shards);
        sorted.sort(Comparator.comparingLong(OmsStatement.Resource::start));
        long expect = 0;
        for (int i = 0; i < sorted.size(); i++) {
            OmsStatement.Resource r = sorted.get(i);
            boolean last = i == sorted.size() - 1;
            if (r.start() != expect || (!last && r.end() - r.start() != shardSize)) {
                throw OmsException.badInput("the shards of " + path + " do not cover it in consecutive ranges of "
                        + shardSize + " bytes (at " + r.name() + ")");
            }
            expect = r.end();
        }
    }

    private static long end(List<OmsStatement.Resource> shards) {
        long max = 0;
        for (OmsStatement.Resource r : shards) {
            max = Math.max(max, r.end());
        }
        return max;
    }

    private static Finding sizeMismatch(String path, long want, long have) {
        return new Finding(FindingKind.SIZE_MISMATCH, path, path + ": is " + have + " bytes, but its signed shards cover "
                + want + " (" + (have < want ? "truncated?" : "appended to?") + ")", Long.toString(want),
                Long.toString(have));
    }
}
