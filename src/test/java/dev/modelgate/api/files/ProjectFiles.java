package dev.modelgate.api.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Locations of committed files the API tests read: {@code crds/} and {@code docs/examples/}. */
public final class ProjectFiles {

    private ProjectFiles() {
    }

    /** The Maven project directory (surefire sets {@code basedir}; IDEs usually run from it). */
    public static Path projectDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    public static Path crdsDir() {
        return projectDir().resolve("crds");
    }

    public static Path examplesDir() {
        return projectDir().resolve("docs").resolve("examples");
    }

    /** Regular files directly in {@code dir} whose name ends with {@code suffix}, sorted by name. */
    public static List<Path> filesEndingWith(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .toList();
        }
    }
}
