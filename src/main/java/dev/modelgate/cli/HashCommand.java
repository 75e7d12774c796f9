package dev.modelgate.cli;

import dev.modelgate.integrity.Finding;
import dev.modelgate.integrity.IntegrityEngine;
import dev.modelgate.integrity.IntegrityReport;
import dev.modelgate.integrity.ManifestEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code modelgate hash DIR}: the manifest of a directory as JSON. */
@Command(name = "hash", mixinStandardHelpOptions = true,
        description = "Print the manifest of a model directory as JSON: every file's path, size and sha256, "
                + "and the manifest digest.")
final class HashCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "The model directory.")
    Path dir;

    @Mixin
    EngineOptionsMixin engine;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        IntegrityReport report = new IntegrityEngine(engine.toOptions()).describe(dir);
        if (!report.ok()) {
            for (Finding f : report.findings()) {
                spec.commandLine().getErr().println("modelgate hash: " + f.message());
            }
            return report.exitCode();
        }
        spec.commandLine().getOut().println(Json.pretty(manifestJson(report)));
        return 0;
    }

    static Map<String, Object> manifestJson(IntegrityReport report) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("root", report.root());
        out.put("manifestDigest", report.manifest().digest());
        List<Map<String, Object>> files = new ArrayList<>();
        for (ManifestEntry e : report.manifest().entries()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("path", e.path());
            f.put("size", e.size());
            f.put("sha256", e.sha256());
            files.add(f);
        }
        out.put("files", files);
        out.put("bytes", report.bytesHashed());
        out.put("ms", report.millis());
        return out;
    }
}
