package dev.modelgate.integrity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files of one or more approved models, sorted by path. Paths are unique: the same path may be
 * declared twice only with the same size and digest (two models sharing a VAE, say).
 */
public final class Manifest {

    /**
     * Paths sort by their UTF-8 bytes, so the order (and the digest) does not depend on the JVM's locale. UTF-8
     * byte order is code point order, computed here on the chars without encoding: every map of paths uses this
     * comparator, and encoding both strings on each comparison dominated reports of many files.
     */
    public static final Comparator<String> PATH_ORDER = Manifest::compareUtf8;

    static int compareUtf8(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return codePointRank(x) - codePointRank(y);
            }
        }
        return a.length() - b.length();
    }

    /**
     * Orders UTF-16 units as their code points order: surrogates (U+D800..U+DFFF, which encode U+10000 and up)
     * sort after every other BMP character. Only used at the first differing unit, where both strings agree on
     * everything before, so a surrogate there always starts (or continues) a supplementary character.
     */
    private static int codePointRank(char c) {
        if (c < 0xD800) {
            return c;
        }
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }

    private final List<ManifestEntry> entries;
    private final Map<String, ManifestEntry> byPath;

    private Manifest(List<ManifestEntry> sorted) {
        this.entries = Collections.unmodifiableList(sorted);
        Map<String, ManifestEntry> map = new LinkedHashMap<>();
        for (ManifestEntry e : sorted) {
            map.put(e.path(), e);
        }
        this.byPath = Collections.unmodifiableMap(map);
    }

    /**
     * Builds a manifest; throws {@link IllegalArgumentException} naming the path when one path is
     * declared twice with different contents.
     */
    public static Manifest of(Collection<ManifestEntry> files) {
        Map<String, ManifestEntry> unique = new LinkedHashMap<>();
        for (ManifestEntry e : files) {
            ManifestEntry previous = unique.putIfAbsent(e.path(), e);
            if (previous != null && !previous.equals(e)) {
                throw new IllegalArgumentException("path '" + e.path()
                        + "' is declared twice with different size or sha256");
            }
        }
        List<ManifestEntry> sorted = new ArrayList<>(unique.values());
        sorted.sort(null);
        return new Manifest(sorted);
    }

    public List<ManifestEntry> entries() {
        return entries;
    }

    /** Entries by path (read-only). */
    public Map<String, ManifestEntry> byPath() {
        return byPath;
    }

    public Optional<ManifestEntry> get(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    public boolean contains(String path) {
        return byPath.containsKey(path);
    }

    public int size() {
        return entries.size();
    }

    public long totalBytes() {
        return entries.stream().mapToLong(ManifestEntry::size).sum();
    }

    /**
     * The manifest digest: {@code sha256:} + hex SHA-256 of one line per file, {@code <sha256> <size> <path>\n},
     * in {@link #PATH_ORDER}. The CLI, the operator (status.manifestDigest) and the verification plan all
     * use this one function, so equal digests mean equal file sets.
     */
    public String digest() {
        MessageDigest md = Sha256.newDigest();
        for (ManifestEntry e : entries) {
            md.update((e.sha256() + " " + e.size() + " " + e.path() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && m.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "Manifest" + entries;
    }
}
