package dev.modelgate.integrity;

/**
 * One problem, as data. {@code message} is a whole sentence that names the file and the problem;
 * {@code expected}/{@code actual} carry the values compared, when there are any.
 */
public record Finding(FindingKind kind, String path, String message, String expected, String actual) {

    public Finding(FindingKind kind, String path, String message) {
        this(kind, path, message, null, null);
    }

    public Outcome outcome() {
        return kind.outcome();
    }
}
