package dev.modelgate.cli;

import dev.modelgate.scan.ScanFinding;
import dev.modelgate.scan.ScanReport;
import dev.modelgate.scan.Severity;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code modelgate scan --sarif}: the scan as a SARIF 2.1.0 log, the format code-scanning dashboards (GitHub,
 * GitLab, Azure DevOps) import. One rule per kind of finding and severity (docs/scanning.md lists them), one
 * result per finding; a finding inside an archive member names the member as a logical location, and a
 * finding in the file itself carries its byte offset as the region.
 */
final class ScanSarif {

    static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

    private ScanSarif() {
    }

    /** A rule: an id, a one-line description and the default level. */
    private record Rule(String id, String description, Severity severity) {
    }

    static Map<String, Object> log(List<ScanReport> reports, List<Path> files, String version) {
        Map<String, Rule> rules = new LinkedHashMap<>();
        List<Object> results = new ArrayList<>();
        for (int i = 0; i < reports.size(); i++) {
            addResults(reports.get(i), reports.get(i), uri(files.get(i)), rules, results);
        }
        List<Object> ruleList = new ArrayList<>();
        for (Rule r : rules.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("name", r.id().replace('/', '-'));
            m.put("shortDescription", Map.of("text", r.description()));
            m.put("defaultConfiguration", Map.of("level", level(r.severity())));
            m.put("properties", Map.of("security-severity", securitySeverity(r.severity()),
                    "tags", List.of("security")));
            ruleList.add(m);
        }
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("name", "modelgate");
        if (version != null) {
            driver.put("version", version);
        }
        driver.put("rules", ruleList);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("tool", Map.of("driver", driver));
        run.put("results", results);
        Map<String, Object> log = new LinkedHashMap<>();
        log.put("$schema", SCHEMA);
        log.put("version", "2.1.0");
        log.put("runs", List.of(run));
        return log;
    }

    private static void addResults(ScanReport file, ScanReport unit, String uri, Map<String, Rule> rules,
                                   List<Object> results) {
        String member = unit == file ? null : unit.name().substring(Math.min(unit.name().length(),
                file.name().length() + 1));
        for (ScanFinding f : unit.findings()) {
            Rule rule = f.global() != null
                    ? new Rule("import/" + lower(f.severity()), "A pickle imports a " + lower(f.severity())
                    + "-severity global (code the unpickler would run or reach)", f.severity())
                    : new Rule("structure/" + lower(f.severity()), "A " + lower(f.severity())
                    + "-severity problem in the file's structure or content", f.severity());
            String text = (f.global() == null ? "" : f.global() + ": ") + f.reason()
                    + (member == null ? "" : " (in member " + member + ")");
            results.add(result(rules, rule, f.severity(), text, uri, member, member == null ? f.offset() : -1));
        }
        if (unit.error() != null) {
            Rule rule = new Rule("unparseable", "The file (or an archive member that must be parsed) could not be "
                    + "parsed, so it was not fully scanned", Severity.MEDIUM);
            String text = (member == null ? "" : member + ": ") + "not parsed as " + unit.format() + ": " + unit.error();
            results.add(result(rules, rule, Severity.MEDIUM, text, uri, member, -1));
        }
        for (ScanReport m : unit.members()) {
            addResults(file, m, uri, rules, results);
        }
    }

    private static Map<String, Object> result(Map<String, Rule> rules, Rule rule, Severity severity, String text,
                                              String uri, String member, long offset) {
        rules.putIfAbsent(rule.id(), rule);
        Map<String, Object> physical = new LinkedHashMap<>();
        physical.put("artifactLocation", Map.of("uri", uri));
        if (offset >= 0) {
            physical.put("region", Map.of("byteOffset", offset));
        }
        Map<String, Object> location = new LinkedHashMap<>();
        location.put("physicalLocation", physical);
        if (member != null) {
            location.put("logicalLocations", List.of(Map.of("name", member, "kind", "member")));
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ruleId", rule.id());
        r.put("ruleIndex", new ArrayList<>(rules.keySet()).indexOf(rule.id()));
        r.put("level", level(severity));
        r.put("message", Map.of("text", text));
        r.put("locations", List.of(location));
        r.put("properties", Map.of("severity", severity.name()));
        return r;
    }

    /** SARIF levels: CRITICAL and HIGH are errors, MEDIUM warnings, LOW notes. */
    static String level(Severity s) {
        return switch (s) {
            case CRITICAL, HIGH -> "error";
            case MEDIUM -> "warning";
            case LOW -> "note";
        };
    }

    /** GitHub's security-severity score (0-10), which sorts alerts into critical/high/medium/low. */
    private static String securitySeverity(Severity s) {
        return switch (s) {
            case CRITICAL -> "9.5";
            case HIGH -> "8.0";
            case MEDIUM -> "5.0";
            case LOW -> "2.0";
        };
    }

    /** A relative path stays relative (dashboards resolve it against the checkout); an absolute one is a file URI. */
    static String uri(Path p) {
        if (p.isAbsolute()) {
            return p.toUri().toString();
        }
        try {
            return new URI(null, null, p.toString().replace('\\', '/'), null).toASCIIString();
        } catch (URISyntaxException e) {
            return p.toString().replace('\\', '/');
        }
    }

    private static String lower(Severity s) {
        return s.name().toLowerCase(Locale.ROOT);
    }
}
