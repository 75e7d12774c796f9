package dev.modelgate.cli;

import dev.modelgate.api.v1alpha1.SignatureSpec;
import dev.modelgate.integrity.IgnoreRules;
import dev.modelgate.signing.IgnorePolicy;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which files of a folder are the model, the same for {@code approve}, {@code sign} and {@code scan}, the way
 * model_signing decides: everything except, at the folder's root, the OMS defaults ({@code .git},
 * {@code .gitattributes}, {@code .github}, {@code .gitignore}), the signature bundle ({@code model.sig}) and
 * huggingface_hub's download metadata ({@code .cache/huggingface/}, written by {@code hf download --local-dir}).
 */
final class ModelFileSet {

    /** huggingface_hub's metadata folder inside a {@code --local-dir} download. */
    static final String HF_CACHE = ".cache/huggingface";

    private ModelFileSet() {
    }

    /** The exclusions as root-anchored ignore globs (see {@link IgnoreRules}), plus the caller's globs. */
    static List<String> ignoreGlobs(List<String> extra) {
        List<String> globs = new ArrayList<>();
        for (String p : IgnorePolicy.DEFAULTS) {
            globs.add("/" + p);
            globs.add("/" + p + "/**");
        }
        globs.add("/" + SignatureSpec.DEFAULT_BUNDLE_PATH);
        globs.add("/" + HF_CACHE + "/**");
        globs.addAll(extra);
        return globs;
    }

    /** The paths {@code sign} leaves out besides the OMS defaults and the bundle (recorded in the bundle). */
    static List<String> signIgnorePaths(Path dir, List<String> extra) {
        List<String> paths = new ArrayList<>(extra);
        if (Files.isDirectory(dir.resolve(HF_CACHE), LinkOption.NOFOLLOW_LINKS) && !paths.contains(HF_CACHE)) {
            paths.add(HF_CACHE);
        }
        return paths;
    }
}
