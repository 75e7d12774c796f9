package dev.modelgate.scan;

/**
 * One thing the scanner found. {@code module} and {@code name} are set for pickle imports (null otherwise);
 * {@code offset} is the byte offset of the opcode or structure inside the scanned unit, or -1 when it does
 * not apply.
 */
public record ScanFinding(Severity severity, String module, String name, long offset, String reason) {

    public static ScanFinding of(Severity severity, long offset, String reason) {
        return new ScanFinding(severity, null, null, offset, reason);
    }

    /** {@code module.name}, or null when this finding is not about an import. */
    public String global() {
        return module == null ? null : module + "." + name;
    }
}
