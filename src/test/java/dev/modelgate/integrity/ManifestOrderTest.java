package dev.modelgate.integrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The path order is the order of the UTF-8 bytes, computed without encoding. */
class ManifestOrderTest {

    static int bytesOrder(String a, String b) {
        return Integer.signum(Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
                b.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void agreesWithUtf8BytesOnMixedScripts() {
        // ASCII, Latin-1, CJK, the private-use area above the surrogates, and a supplementary character
        // (which UTF-16 order would put before U+E000..U+FFFF).
        String[] alphabet = {"a", "b", "/", ".", "é", "ß", "模", "型", "\uE000", "\uFFFD", "😀", "𝄞", "A", "0"};
        Random r = new Random(14);
        for (int i = 0; i < 20_000; i++) {
            String a = random(r, alphabet);
            String b = random(r, alphabet);
            assertEquals(bytesOrder(a, b), Integer.signum(Manifest.PATH_ORDER.compare(a, b)), a + " vs " + b);
        }
        assertTrue(Manifest.PATH_ORDER.compare("\uFFFD", "😀") < 0, "U+FFFD sorts before U+1F600 as in UTF-8");
        assertTrue("\uFFFD".compareTo("😀") > 0, "while UTF-16 order says the opposite");
    }

    private static String random(Random r, String[] alphabet) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet[r.nextInt(alphabet.length)]);
        }
        return sb.toString();
    }
}
