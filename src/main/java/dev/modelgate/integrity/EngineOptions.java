package dev.modelgate.integrity;

import java.util.List;

/**
 * How the engine judges a directory.
 *
 * @param strict        a file that no declared model names is a failure (the default: ComfyUI and Fooocus
 *                      load whatever lies in their folders)
 * @param ignore        files strict mode does not count
 * @param threads       files hashed at once; defaults to the number of processors
 * @param bufferSize    read buffer per thread
 * @param checks        content checks run on the same read pass as the hash
 */
public record EngineOptions(boolean strict, IgnoreRules ignore, int threads, int bufferSize, List<ContentCheck> checks) {

    public EngineOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        checks = List.copyOf(checks);
    }

    public static EngineOptions defaults() {
        return new EngineOptions(true, IgnoreRules.NONE, Runtime.getRuntime().availableProcessors(),
                FileHasher.DEFAULT_BUFFER, List.of());
    }

    public EngineOptions withStrict(boolean value) {
        return new EngineOptions(value, ignore, threads, bufferSize, checks);
    }

    public EngineOptions withIgnore(IgnoreRules value) {
        return new EngineOptions(strict, value, threads, bufferSize, checks);
    }

    public EngineOptions withThreads(int value) {
        return new EngineOptions(strict, ignore, value, bufferSize, checks);
    }

    public EngineOptions withBufferSize(int value) {
        return new EngineOptions(strict, ignore, threads, value, checks);
    }

    public EngineOptions withChecks(List<ContentCheck> value) {
        return new EngineOptions(strict, ignore, threads, bufferSize, value);
    }
}
