import java.security.MessageDigest;
import java.util.Random;

/**
 * The JDK's SHA-256 speed on this CPU with no I/O at all: the ceiling for `modelgate hash` on one file.
 * Run by hand with the source launcher: java src/bench/DigestCeiling.java [MiB per round] [rounds]
 */
public class DigestCeiling {
    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 512;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        byte[] buffer = new byte[128 * 1024]; // the engine's read buffer size
        new Random(1).nextBytes(buffer);
        MessageDigest md = MessageDigest.getInstance("SHA-256", "SUN");
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            long total = 0;
            while (total < mib << 20) {
                md.update(buffer, 0, buffer.length);
                total += buffer.length;
            }
            md.digest();
            double mbs = total / ((System.nanoTime() - start) / 1e9) / 1e6;
            best = Math.max(best, mbs);
            System.out.printf("round %d: %.0f MB/s%n", r + 1, mbs);
        }
        System.out.printf("JDK %s SHA-256 in memory, best of %d: %.0f MB/s%n", System.getProperty("java.version"),
                rounds, best);
    }
}
