package dev.modelgate.api.schema;

/**
 * One reason a resource is invalid, in the API server's terms.
 *
 * @param path    field path as {@code kubectl} prints it, e.g. {@code spec.files[0].path}
 * @param rule    what refused it: a schema keyword ({@code pattern}, {@code required}, {@code minItems}, ...),
 *                {@code unknown-field}, or {@code cel} for an {@code x-kubernetes-validations} rule
 * @param message the human-readable reason; for CEL rules, the rule's message
 */
public record Violation(String path, String rule, String message) {

    /** Path of a named child of {@code parent} ({@code ""} is the root). */
    static String child(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }

    /** Path of list element {@code index} of {@code parent}. */
    static String element(String parent, int index) {
        return parent + "[" + index + "]";
    }

    @Override
    public String toString() {
        return (path.isEmpty() ? "<root>" : path) + ": " + message + " [" + rule + "]";
    }
}
