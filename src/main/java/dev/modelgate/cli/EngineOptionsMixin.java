package dev.modelgate.cli;

import dev.modelgate.integrity.EngineOptions;
import dev.modelgate.integrity.IgnoreRules;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every command that reads a model directory shares. */
final class EngineOptionsMixin {

    @Option(names = "--ignore", paramLabel = "GLOB",
            description = "Skip files matching GLOB (repeatable). Without '/', matches a file name at any depth "
                    + "('*.tmp'); with '/', the whole relative path ('.cache/**').")
    List<String> ignore = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N",
            description = "Files hashed at once (default: the number of processors).")
    Integer threads;

    EngineOptions toOptions() {
        EngineOptions o = EngineOptions.defaults().withIgnore(new IgnoreRules(ignore));
        if (threads != null) {
            if (threads < 1) {
                throw new BadInputException("--threads must be at least 1");
            }
            o = o.withThreads(threads);
        }
        return o;
    }
}
