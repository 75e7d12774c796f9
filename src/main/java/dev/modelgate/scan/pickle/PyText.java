package dev.modelgate.scan.pickle;

import java.io.ByteArrayOutputStream;

/** Decoders for the text forms of protocol 0 string opcodes, so escaped names resolve like in Python. */
final class PyText {
    private PyText() {
    }

    /** Python's {@code string_escape}/{@code escape_decode}: the body of a quoted STRING argument. */
    static byte[] unescapeString(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.write(c & 0xff);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'a' -> out.write(7);
                case 'b' -> out.write(8);
                case 'f' -> out.write(12);
                case 'v' -> out.write(11);
                case '\n' -> { }
                case 'x' -> {
                    int v = hex(s, i + 1, 2);
                    if (v >= 0) {
                        out.write(v);
                        i += 2;
                    } else {
                        out.write('\\');
                        out.write('x');
                    }
                }
                default -> {
                    if (n >= '0' && n <= '7') {
                        int v = 0;
                        int k = 0;
                        while (k < 3 && i + k < s.length() && s.charAt(i + k) >= '0' && s.charAt(i + k) <= '7') {
                            v = v * 8 + (s.charAt(i + k) - '0');
                            k++;
                        }
                        out.write(v & 0xff);
                        i += k - 1;
                    } else {
                        out.write(n == '\\' || n == '\'' || n == '"' ? n : '\\');
                        if (!(n == '\\' || n == '\'' || n == '"')) {
                            out.write(n & 0xff);
                        }
                    }
                }
            }
        }
        return out.toByteArray();
    }

    /** Python's {@code raw-unicode-escape}: latin-1 bytes with \\uXXXX and \\UXXXXXXXX escapes. */
    static String rawUnicodeEscape(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        for (int i = 0; i < b.length; i++) {
            int c = b[i] & 0xff;
            if (c == '\\' && i + 1 < b.length && (b[i + 1] == 'u' || b[i + 1] == 'U')) {
                int digits = b[i + 1] == 'u' ? 4 : 8;
                String s = new String(b, i + 2, Math.min(digits, b.length - i - 2), java.nio.charset.StandardCharsets.ISO_8859_1);
                int v = s.length() == digits ? hex(s, 0, digits) : -1;
                if (v >= 0 && Character.isValidCodePoint(v)) {
                    sb.appendCodePoint(v);
                    i += 1 + digits;
                    continue;
                }
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    private static int hex(String s, int from, int n) {
        if (from + n > s.length()) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < from + n; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }
}
