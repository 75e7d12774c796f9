import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.integrity.EngineOptions;
import dev.modelgate.integrity.IntegrityEngine;
import dev.modelgate.integrity.IntegrityReport;
import dev.modelgate.integrity.Manifest;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What scanning on the hashing pass costs, in CPU time of the one thread that reads, hashes and scans
 * (threads=1 runs the engine on the calling thread). CPU time rather than wall time, and off/enforce passes
 * interleaved, because these machines are shared: other processes stretch wall time but not the CPU time
 * this thread spends. Run by hand:
 * java -cp "target/classes:target/quarkus-app/lib/main/*" src/bench/ScanOverhead.java ROUNDS DIR...
 */
public class ScanOverhead {
    public static void main(String[] args) {
        int rounds = Integer.parseInt(args[0]);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (int d = 1; d < args.length; d++) {
            Path dir = Path.of(args[d]);
            Manifest m = new IntegrityEngine(EngineOptions.defaults().withThreads(1)).describe(dir).manifest();
            long bytes = m.entries().stream().mapToLong(e -> e.size()).sum();
            long[] off = new long[rounds];
            long[] on = new long[rounds];
            for (int r = 0; r < rounds; r++) {
                for (ScanPolicy p : new ScanPolicy[] {ScanPolicy.OFF, ScanPolicy.ENFORCE}) {
                    long start = cpu.getCurrentThreadCpuTime();
                    IntegrityReport rep = new IntegrityEngine(EngineOptions.defaults().withThreads(1).withScan(p))
                            .verify(dir, m);
                    long ns = cpu.getCurrentThreadCpuTime() - start;
                    if (!rep.ok()) {
                        throw new IllegalStateException(dir + ": " + rep.findings());
                    }
                    (p == ScanPolicy.OFF ? off : on)[r] = ns;
                }
            }
            long a = median(off);
            long b = median(on);
            System.out.printf("%s: %d bytes; CPU per pass, median of %d: hash only %.0f ms (%.0f MB/s), hash+scan %.0f ms "
                            + "(%.0f MB/s); scanning costs %+.2f%%%n", dir, bytes, rounds, a / 1e6, bytes / (a / 1e3),
                    b / 1e6, bytes / (b / 1e3), (b - a) * 100.0 / a);
        }
    }

    static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
