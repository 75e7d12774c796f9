package dev.modelgate.scan;

import java.util.List;

/**
 * The scan of one file or of one archive member ({@code file.pt:archive/data.pkl}). {@code error} says why
 * the unit could not be parsed (null when it could). A file's verdict includes its members' verdicts.
 */
public record ScanReport(String name, String format, Verdict verdict, List<ScanFinding> findings, String error,
                         List<ScanReport> members) {

    public ScanReport {
        findings = List.copyOf(findings);
        members = List.copyOf(members);
    }

    /** The worst severity among this unit's and its members' findings, or null when there is none. */
    public Severity worstSeverity() {
        Severity worst = null;
        for (ScanFinding f : findings) {
            if (worst == null || f.severity().compareTo(worst) < 0) {
                worst = f.severity();
            }
        }
        for (ScanReport m : members) {
            Severity s = m.worstSeverity();
            if (s != null && (worst == null || s.compareTo(worst) < 0)) {
                worst = s;
            }
        }
        return worst;
    }

    /** True when this unit or one of its members could not be parsed. */
    public boolean anyError() {
        return error != null || members.stream().anyMatch(ScanReport::anyError);
    }

    static Verdict verdictOf(List<ScanFinding> findings, String error, List<ScanReport> members) {
        Verdict v = Verdict.BENIGN;
        for (ScanFinding f : findings) {
            v = v.worst(switch (f.severity()) {
                case CRITICAL, HIGH -> Verdict.MALICIOUS;
                case MEDIUM -> Verdict.SUSPICIOUS;
                case LOW -> Verdict.BENIGN;
            });
        }
        if (error != null) {
            v = v.worst(Verdict.INVALID);
        }
        for (ScanReport m : members) {
            v = v.worst(m.verdict());
        }
        return v;
    }
}
