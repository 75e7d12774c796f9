package dev.modelgate.signing;

import java.util.List;
import java.util.Set;

/**
 * Which files a signature check leaves out. The signer records {@code ignore_paths} in the bundle, so the signer
 * decides what is not covered; a policy decides how far that is honoured. Always left out, whatever the policy:
 * the OMS defaults ({@code .git}, {@code .gitignore}, {@code .gitattributes}, {@code .github} at the model root)
 * and the bundle file itself.
 *
 * @param signer       how the bundle's {@code ignore_paths} are honoured
 * @param allowed      with {@link SignerIgnores#LISTED}: the signer's paths that may be honoured
 * @param callerPaths  paths the caller leaves out (the model_signing CLI's {@code --ignore-paths}), relative to
 *                     the model root, exact paths with their subtrees
 */
public record IgnorePolicy(SignerIgnores signer, Set<String> allowed, List<String> callerPaths) {

    /** The OMS default exclusions (spec 6.2), matched at the model root only. */
    public static final List<String> DEFAULTS = List.of(".git", ".gitattributes", ".github", ".gitignore");

    public enum SignerIgnores {
        /** Every signer path is honoured (what model_signing does; the direct CLI form). */
        ALL,
        /** Only the signer paths in {@link #allowed()}; any other file the signer left out fails as extra. */
        LISTED,
        /** None: every file not signed fails as extra, except the defaults, the bundle and the caller's paths. */
        NONE
    }

    public IgnorePolicy {
        allowed = Set.copyOf(allowed);
        callerPaths = List.copyOf(callerPaths);
        for (String p : callerPaths) {
            String problem = OmsStatement.ignorePathProblem(p);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
    }

    /** model_signing's behaviour: honour whatever the signer recorded. */
    public static IgnorePolicy honourSigner(List<String> callerPaths) {
        return new IgnorePolicy(SignerIgnores.ALL, Set.of(), callerPaths);
    }

    public boolean honours(String signerPath) {
        return switch (signer) {
            case ALL -> true;
            case LISTED -> allowed.contains(signerPath);
            case NONE -> false;
        };
    }
}
