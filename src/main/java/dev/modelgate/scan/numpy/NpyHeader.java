package dev.modelgate.scan.numpy;

import dev.modelgate.scan.ByteSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a NumPy {@code .npy} file: magic, version, a Python dict literal with {@code descr},
 * {@code fortran_order} and {@code shape}. The literal is parsed by a small reader of Python literals
 * (strings, numbers, booleans, None, tuples, lists, dicts), never evaluated. An object dtype means the data
 * that follows the header is a pickle.
 */
public record NpyHeader(int major, int minor, long dataOffset, Object descr, boolean fortranOrder, List<Long> shape) {

    public static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** Thrown for a header that numpy would not load. */
    public static final class NpyFormatException extends Exception {
        public NpyFormatException(String message) {
            super(message);
        }
    }

    public static boolean hasMagic(byte[] head) {
        if (head.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (head[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    public static NpyHeader read(ByteSource src, int maxHeader) throws IOException, NpyFormatException {
        byte[] pre = src.readAt(0, 12);
        if (pre.length < 10 || !hasMagic(pre)) {
            throw new NpyFormatException("not an .npy file (bad magic)");
        }
        int major = pre[6] & 0xff;
        int minor = pre[7] & 0xff;
        long len;
        int start;
        if (major == 1) {
            len = (pre[8] & 0xff) | (pre[9] & 0xff) << 8;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (pre.length < 12) {
                throw new NpyFormatException("truncated header length");
            }
            len = ((pre[8] & 0xff) | (pre[9] & 0xff) << 8 | (pre[10] & 0xff) << 16 | (long) (pre[11] & 0xff) << 24);
            start = 12;
        } else {
            throw new NpyFormatException("unsupported .npy version " + major + "." + minor);
        }
        if (len > maxHeader) {
            throw new NpyFormatException("header of " + len + " bytes is larger than the limit of " + maxHeader);
        }
        if (start + len > src.size()) {
            throw new NpyFormatException("header runs past the end of the file");
        }
        String text = new String(src.readAt(start, (int) len),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Object lit;
        try {
            PyLiteral p = new PyLiteral(text);
            lit = p.value();
            p.end();
        } catch (IllegalArgumentException e) {
            throw new NpyFormatException("header is not a Python literal: " + e.getMessage());
        }
        if (!(lit instanceof Map<?, ?> m)) {
            throw new NpyFormatException("header is not a dict");
        }
        if (!m.containsKey("descr") || !m.containsKey("fortran_order") || !m.containsKey("shape")) {
            throw new NpyFormatException("header lacks descr, fortran_order or shape");
        }
        if (!(m.get("fortran_order") instanceof Boolean fo)) {
            throw new NpyFormatException("fortran_order is not a boolean");
        }
        if (!(m.get("shape") instanceof List<?> sh)) {
            throw new NpyFormatException("shape is not a tuple");
        }
        List<Long> shape = new ArrayList<>();
        for (Object o : sh) {
            if (!(o instanceof Long l) || l < 0) {
                throw new NpyFormatException("shape holds something other than non-negative integers");
            }
            shape.add(l);
        }
        return new NpyHeader(major, minor, start + len, m.get("descr"), fo, List.copyOf(shape));
    }

    /** True when the dtype (or one of its fields) is Python objects, so the data is a pickle. */
    public boolean hasObjects() {
        return hasObjects(descr, 0);
    }

    private static boolean hasObjects(Object d, int depth) {
        if (depth > 32) {
            return true;
        }
        if (d instanceof String s) {
            String t = s.replaceAll("^[<>|=]", "");
            return t.startsWith("O");
        }
        if (d instanceof List<?> fields) { // structured: [(name, dtype[, shape]), ...]; names are not dtypes
            for (Object f : fields) {
                if (!(f instanceof List<?> field) || field.size() < 2 || hasObjects(field.get(1), depth + 1)) {
                    return true; // not the shape numpy writes: treat as objects rather than guess
                }
            }
        }
        if (d instanceof Map<?, ?> m) {
            for (Object o : m.values()) {
                if (hasObjects(o, depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A reader of the Python literal subset numpy writes. */
    static final class PyLiteral {
        private final String s;
        private int i;
        private int depth;

        PyLiteral(String s) {
            this.s = s;
        }

        void end() {
            ws();
            if (i != s.length()) {
                throw new IllegalArgumentException("unexpected text at " + i);
            }
        }

        Object value() {
            ws();
            if (i >= s.length()) {
                throw new IllegalArgumentException("unexpected end");
            }
            if (++depth > 64) {
                throw new IllegalArgumentException("nested too deeply");
            }
            try {
                char c = s.charAt(i);
                if (c == '{') {
                    i++;
                    Map<Object, Object> m = new LinkedHashMap<>();
                    while (true) {
                        ws();
                        if (peek('}')) {
                            return m;
                        }
                        Object k = value();
                        ws();
                        expect(':');
                        m.put(k, value());
                        ws();
                        if (peek('}')) {
                            return m;
                        }
                        expect(',');
                    }
                }
                if (c == '(' || c == '[') {
                    char close = c == '(' ? ')' : ']';
                    i++;
                    List<Object> l = new ArrayList<>();
                    while (true) {
                        ws();
                        if (peek(close)) {
                            return l;
                        }
                        l.add(value());
                        ws();
                        if (peek(close)) {
                            return l;
                        }
                        expect(',');
                    }
                }
                if (c == '\'' || c == '"') {
                    int j = i + 1;
                    StringBuilder sb = new StringBuilder();
                    while (j < s.length() && s.charAt(j) != c) {
                        if (s.charAt(j) == '\\' && j + 1 < s.length()) {
                            j++;
                        }
                        sb.append(s.charAt(j++));
                    }
                    if (j >= s.length()) {
                        throw new IllegalArgumentException("unterminated string");
                    }
                    i = j + 1;
                    return sb.toString();
                }
                int j = i;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || "-+._".indexOf(s.charAt(j)) >= 0)) {
                    j++;
                }
                String tok = s.substring(i, j);
                i = j;
                switch (tok) {
                    case "True": return Boolean.TRUE;
                    case "False": return Boolean.FALSE;
                    case "None": return "None";
                    default:
                        try {
                            return Long.parseLong(tok.endsWith("L") ? tok.substring(0, tok.length() - 1) : tok);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("unexpected token '" + tok + "'");
                        }
                }
            } finally {
                depth--;
            }
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private boolean peek(char c) {
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw new IllegalArgumentException("expected '" + c + "' at " + i);
            }
        }
    }
}
