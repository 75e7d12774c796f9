package dev.modelgate.cli;

import dev.modelgate.integrity.IgnoreRules;
import dev.modelgate.scan.ModelScanner;
import dev.modelgate.scan.ScanExceptions;
import dev.modelgate.scan.ScanFinding;
import dev.modelgate.scan.ScanReport;
import dev.modelgate.scan.Severity;
import dev.modelgate.scan.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code modelgate scan PATH...}: static scan of model files for code-execution payloads. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Scan model files for code-execution payloads without loading them: pickle (all protocols), "
                + "PyTorch zip, legacy and tar checkpoints, NumPy .npy/.npz, safetensors, GGUF, ONNX, Keras, TensorFlow graphs. "
                + "Other formats are reported as not scanned.",
                "Verdicts: malicious (a CRITICAL or HIGH finding), invalid (could not be parsed), suspicious "
                        + "(a MEDIUM finding), benign."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  no finding at or above --fail-on, and every file was parsed",
                "  1  a finding at or above --fail-on",
                "  2  no such finding, but a file could not be read or parsed (the others were still scanned)"})
final class ScanCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders (scanned recursively, "
            + "leaving out what approve and sign leave out: .git*, model.sig and .cache/huggingface/ at the "
            + "folder's root). A file named explicitly is always scanned.")
    List<Path> paths;

    @Option(names = "--json", description = "One JSON document: every file with its format, verdict, findings "
            + "and archive members, and a summary.")
    boolean json;

    @Option(names = "--sarif", description = "A SARIF 2.1.0 log instead of text, for code-scanning dashboards "
            + "(one result per finding; the exit code is the same).")
    boolean sarif;

    @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "HIGH",
            description = "Lowest severity that makes the exit code 1: CRITICAL, HIGH, MEDIUM or LOW (default: ${DEFAULT-VALUE}).")
    Severity failOn;

    @Option(names = "--allow-global", paramLabel = "MODULE.NAME",
            description = "A reviewed exception: accept this pickle global although the allowlist does not hold it "
                    + "(repeatable; as spec.scan.allowGlobals; never a global rated HIGH or CRITICAL).")
    List<String> allowGlobals = new ArrayList<>();

    @Option(names = "--allow-code", paramLabel = "PATH",
            description = "Reviewed code: accept the code in this file (its path relative to the folder given, as "
                    + "spec.scan.allowCode; repeatable).")
    List<String> allowCode = new ArrayList<>();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (json && sarif) {
            throw new BadInputException("--json and --sarif are two output formats: choose one");
        }
        for (String g : allowGlobals) {
            if (!g.matches(dev.modelgate.api.v1alpha1.ApiPatterns.PICKLE_GLOBAL)) {
                throw new BadInputException("--allow-global '" + g + "' is not an exact module.name global "
                        + "(dotted identifiers, no wildcard), e.g. my_lib.models.Net");
            }
        }
        ModelScanner scanner = new ModelScanner();
        List<ScanReport> reports = new ArrayList<>();
        List<Path> scanned = new ArrayList<>();
        for (Path p : paths) {
            for (Path f : files(p)) {
                String rel = Files.isDirectory(p) ? p.relativize(f).toString().replace('\\', '/') : f.toString();
                reports.add(scanner.withExceptions(ScanExceptions.of(rel, allowGlobals, allowCode)).scanFile(f));
                scanned.add(f);
            }
        }
        int code = exitCode(reports, failOn);
        PrintWriter out = spec.commandLine().getOut();
        if (sarif) {
            out.println(Json.pretty(ScanSarif.log(reports, scanned,
                    ModelScanner.class.getPackage().getImplementationVersion())));
        } else if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            List<Object> files = new ArrayList<>();
            for (ScanReport r : reports) {
                files.add(toJson(r));
            }
            doc.put("files", files);
            doc.put("summary", summary(reports, code));
            out.println(Json.pretty(doc));
        } else {
            for (ScanReport r : reports) {
                printHuman(out, r, "");
            }
            Map<String, Object> s = summary(reports, code);
            out.println(s.get("files") + " file(s): " + s.get("counts") + "; fail-on " + failOn + " -> exit " + code);
        }
        return code;
    }

    static int exitCode(List<ScanReport> reports, Severity failOn) {
        boolean fail = false;
        boolean broken = false;
        for (ScanReport r : reports) {
            Severity w = r.worstSeverity();
            fail |= w != null && w.atLeast(failOn);
            broken |= r.anyError();
        }
        return fail ? 1 : broken ? 2 : 0;
    }

    private List<Path> files(Path p) {
        if (!Files.exists(p)) {
            return List.of(p); // reported as unreadable, the others are still scanned
        }
        if (!Files.isDirectory(p)) {
            return List.of(p);
        }
        // The same file set as approve and sign, so a Hugging Face download does not report its git and
        // huggingface_hub metadata as files of unknown format.
        IgnoreRules notModel = new IgnoreRules(ModelFileSet.ignoreGlobs(List.of()));
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile)
                    .filter(f -> !notModel.ignores(p.relativize(f).toString().replace('\\', '/')))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + p + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> summary(List<ScanReport> reports, int code) {
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        for (ScanReport r : reports) {
            counts.merge(r.verdict(), 1, Integer::sum);
        }
        Map<String, Object> c = new LinkedHashMap<>();
        counts.forEach((k, v) -> c.put(k.label(), v));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("files", reports.size());
        s.put("counts", c);
        s.put("exitCode", code);
        return s;
    }

    private static Map<String, Object> toJson(ScanReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", r.name());
        m.put("format", r.format());
        m.put("verdict", r.verdict().label());
        if (r.error() != null) {
            m.put("error", r.error());
        }
        List<Object> fs = new ArrayList<>();
        for (ScanFinding f : r.findings()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("severity", f.severity().name());
            fm.put("module", f.module());
            fm.put("name", f.name());
            fm.put("offset", f.offset() < 0 ? null : f.offset());
            fm.put("reason", f.reason());
            fs.add(fm);
        }
        m.put("findings", fs);
        if (!r.members().isEmpty()) {
            List<Object> ms = new ArrayList<>();
            for (ScanReport member : r.members()) {
                ms.add(toJson(member));
            }
            m.put("members", ms);
        }
        return m;
    }

    private static void printHuman(PrintWriter out, ScanReport r, String indent) {
        out.println(indent + String.format("%-10s", r.verdict().label()) + " " + r.name() + " (" + r.format() + ")");
        if (r.error() != null) {
            out.println(indent + "  INVALID   " + r.error());
        }
        for (ScanFinding f : r.findings()) {
            out.println(indent + "  " + String.format("%-9s", f.severity()) + " "
                    + (f.module() == null ? "" : f.global() + " ")
                    + (f.offset() < 0 ? "" : "@" + f.offset() + ": ") + f.reason());
        }
        for (ScanReport m : r.members()) {
            printHuman(out, m, indent + "  ");
        }
    }
}
