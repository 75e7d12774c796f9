package dev.modelgate.scan;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a review accepted for one file, from its TrustedModel's {@code spec.scan}: pickle globals outside the
 * allowlist ({@code allowGlobals}; never a global the denylist rates HIGH or CRITICAL) and whether the file's
 * code was read and accepted ({@code allowCode} names the file). Never global: each file gets its model's.
 */
public record ScanExceptions(Set<String> globals, boolean codeReviewed) {

    public static final ScanExceptions NONE = new ScanExceptions(Set.of(), false);

    public ScanExceptions {
        globals = Set.copyOf(new TreeSet<>(globals));
    }

    /** The exceptions of {@code path} in a model whose spec lists these globals and reviewed code paths. */
    public static ScanExceptions of(String path, Collection<String> allowGlobals, Collection<String> allowCode) {
        return new ScanExceptions(allowGlobals == null ? Set.of() : Set.copyOf(allowGlobals),
                allowCode != null && allowCode.contains(path));
    }

    /** What both accept: a path declared by two models gets the stricter of their exceptions. */
    public ScanExceptions intersect(ScanExceptions other) {
        Set<String> both = new TreeSet<>(globals);
        both.retainAll(other.globals);
        return new ScanExceptions(both, codeReviewed && other.codeReviewed);
    }

    public boolean isNone() {
        return globals.isEmpty() && !codeReviewed;
    }
}
