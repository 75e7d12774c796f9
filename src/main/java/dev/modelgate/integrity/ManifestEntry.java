package dev.modelgate.integrity;

/**
 * One file of an approved model: where it lies below the model root, and the bytes it must hold.
 * Construction validates the path and digest, so every manifest the engine sees is well-formed.
 */
public record ManifestEntry(String path, String sha256, long size) implements Comparable<ManifestEntry> {

    public ManifestEntry {
        ModelPath.requireValid(path);
        ModelPath.sha256Problem(sha256).ifPresent(p -> {
            throw new IllegalArgumentException(path + ": " + p);
        });
        if (size < 0) {
            throw new IllegalArgumentException(path + ": size " + size + " is negative");
        }
    }

    @Override
    public int compareTo(ManifestEntry other) {
        return Manifest.PATH_ORDER.compare(path, other.path);
    }
}
