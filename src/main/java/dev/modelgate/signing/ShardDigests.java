package dev.modelgate.signing;

import dev.modelgate.integrity.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * SHA-256 of consecutive byte ranges of a file ({@code shards} serialization): one sequential read pass per
 * file with the JDK digest, a fresh digest at every {@code shardSize} boundary. The integrity engine hashes
 * whole files only, so shards are hashed here; the walk (links, hard links, special files) is still the
 * engine's {@link dev.modelgate.integrity.ModelTree}.
 */
final class ShardDigests {

    static final int BUFFER = 128 * 1024;

    private ShardDigests() {
    }

    /** The digests read, and how many bytes the file really had (it may differ from the walk's size). */
    record Read(List<String> digests, long bytes) {
    }

    /** Hex SHA-256 of every range {@code [i*shardSize, min((i+1)*shardSize, size))}; none for an empty file. */
    static Read digest(Path content, long shardSize) throws IOException {
        List<String> out = new ArrayList<>();
        MessageDigest md = Sha256.newDigest();
        HexFormat hex = HexFormat.of();
        long total = 0;
        long inShard = 0;
        try (FileChannel ch = FileChannel.open(content, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            byte[] array = new byte[BUFFER];
            ByteBuffer buf = ByteBuffer.wrap(array);
            while (true) {
                buf.clear();
                long room = shardSize - inShard;
                if (room < array.length) {
                    buf.limit((int) room);
                }
                int n = ch.read(buf);
                if (n < 0) {
                    break;
                }
                md.update(array, 0, n);
                inShard += n;
                total += n;
                if (inShard == shardSize) {
                    out.add(hex.formatHex(md.digest()));
                    inShard = 0;
                }
            }
        }
        if (inShard > 0) {
            out.add(hex.formatHex(md.digest()));
        }
        return new Read(out, total);
    }

    /** Runs {@code job} over {@code items} on {@code threads} workers, keeping the order of {@code items}. */
    static <T, R> List<R> parallel(List<T> items, int threads, Function<T, R> job) {
        List<R> out = new ArrayList<>(items.size());
        int n = Math.max(1, Math.min(threads, items.size()));
        if (n == 1) {
            for (T t : items) {
                out.add(job.apply(t));
            }
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "modelgate-shards");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (T t : items) {
                futures.add(pool.submit(() -> job.apply(t)));
            }
            for (Future<R> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing shards", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("hashing shards failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
