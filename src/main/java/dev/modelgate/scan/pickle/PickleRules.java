package dev.modelgate.scan.pickle;

import dev.modelgate.scan.Severity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The judgement of pickle imports, read from {@code pickle-globals.tsv} (the one readable place for the
 * allowlist, the denylist, the module aliases and the dangerous attribute names; its header explains the
 * matching).
 */
public final class PickleRules {

    /** What the table says about one import: a severity and the reason behind it. */
    public record Judgement(Severity severity, String reason) {
    }

    record Rule(Severity severity, String reason) {
    }

    /**
     * A global allowed only for one use that the walker checks at each call ({@code allow-if} lines): its value
     * says which. {@code ENUM_MEMBER}: {@code getattr(AllowedClass, 'NAME')}, how Python 3.11+ pickles enum
     * members; {@code LATIN1}: {@code codecs.encode(text, 'latin1')}, how protocols 0-2 write bytes;
     * {@code IMPORTS}: the arguments at {@code indexes} are imports (judged on their own), never objects built at
     * load time, because the helper calls them or builds instances of them.
     */
    public record Guard(Kind kind, int[] indexes, String reason) {
        public enum Kind { ENUM_MEMBER, LATIN1, IMPORTS }
    }

    private static final String RESOURCE = "/dev/modelgate/scan/pickle-globals.tsv";
    private static final PickleRules DEFAULT = load();

    private final Map<String, String> aliases = new LinkedHashMap<>();
    private final Set<String> allowExact = new HashSet<>();
    private final List<String> allowPrefixes = new ArrayList<>();
    private final Map<String, Rule> deny = new HashMap<>();
    private final Map<String, Rule> attrs = new HashMap<>();
    private final Map<String, Guard> guards = new HashMap<>();
    private Set<String> reviewed = Set.of();
    private Rule anyDunder;

    public static PickleRules defaults() {
        return DEFAULT;
    }

    static PickleRules load() {
        try (InputStream in = PickleRules.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + RESOURCE);
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PickleRules parse(List<String> lines) {
        PickleRules r = new PickleRules();
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] c = line.split("\t");
            if (c.length != 4) {
                throw new IllegalStateException(RESOURCE + " line " + n + ": expected 4 tab-separated columns");
            }
            switch (c[0]) {
                case "alias" -> r.aliases.put(c[1], c[2]);
                case "allow" -> {
                    if (c[1].endsWith(".*")) {
                        r.allowPrefixes.add(c[1].substring(0, c[1].length() - 1));
                    } else {
                        r.allowExact.add(c[1]);
                    }
                }
                case "deny" -> r.deny.put(c[1], new Rule(Severity.valueOf(c[2]), c[3]));
                case "allow-if" -> r.guards.put(c[1], guard(c[2], c[3], n));
                case "attr" -> {
                    Rule rule = new Rule(Severity.valueOf(c[2]), c[3]);
                    if (c[1].equals("__*__")) {
                        r.anyDunder = rule;
                    } else {
                        r.attrs.put(c[1], rule);
                    }
                }
                default -> throw new IllegalStateException(RESOURCE + " line " + n + ": unknown kind " + c[0]);
            }
        }
        return r;
    }

    private static Guard guard(String value, String reason, int line) {
        if (value.equals("enum-member")) {
            return new Guard(Guard.Kind.ENUM_MEMBER, new int[0], reason);
        }
        if (value.equals("latin1")) {
            return new Guard(Guard.Kind.LATIN1, new int[0], reason);
        }
        if (value.startsWith("imports:")) {
            String[] ix = value.substring("imports:".length()).split(",");
            int[] out = new int[ix.length];
            for (int i = 0; i < ix.length; i++) {
                out[i] = Integer.parseInt(ix[i]);
            }
            return new Guard(Guard.Kind.IMPORTS, out, reason);
        }
        throw new IllegalStateException(RESOURCE + " line " + line + ": unknown allow-if condition " + value);
    }

    /**
     * These rules plus reviewed exceptions: exact {@code module.name} globals a TrustedModel accepts
     * ({@code spec.scan.allowGlobals}). An exception accepts a global the allowlist does not hold, but never one
     * the denylist rates HIGH or CRITICAL (see {@link #reviewed}).
     */
    public PickleRules withReviewed(java.util.Collection<String> globals) {
        if (globals == null || globals.isEmpty()) {
            return this;
        }
        PickleRules r = new PickleRules();
        r.aliases.putAll(aliases);
        r.allowExact.addAll(allowExact);
        r.allowPrefixes.addAll(allowPrefixes);
        r.deny.putAll(deny);
        r.attrs.putAll(attrs);
        r.guards.putAll(guards);
        r.anyDunder = anyDunder;
        r.reviewed = Set.copyOf(globals);
        return r;
    }

    /** The reviewed exceptions these rules carry (empty for the defaults). */
    public Set<String> reviewedGlobals() {
        return reviewed;
    }

    /** True when a reviewed exception names this import, as written or after the module aliases. */
    public boolean reviewed(String module, String name) {
        return !reviewed.isEmpty() && (reviewed.contains(module + "." + name)
                || reviewed.contains(canonicalModule(module) + "." + name));
    }

    /** The condition under which this import is allowed, or null when it has none. */
    public Guard guard(String module, String name) {
        return guards.isEmpty() ? null : guards.get(canonicalModule(module) + "." + name);
    }

    /** True when the allowlist accepts this import as it is (no condition, no exception). */
    public boolean allowed(String module, String name) {
        return judge(module, name).isEmpty();
    }

    /** The module name the unpickler really imports: {@code posix} is {@code os}, {@code _io.x} is {@code io.x}. */
    public String canonicalModule(String module) {
        for (int i = 0; i < 4; i++) { // aliases may chain (thread -> _thread); a few rounds are plenty
            String next = rewrite(module);
            if (next.equals(module)) {
                return module;
            }
            module = next;
        }
        return module;
    }

    private String rewrite(String module) {
        String best = null;
        for (String a : aliases.keySet()) {
            if ((module.equals(a) || module.startsWith(a + "."))
                    && (best == null || a.length() > best.length())) {
                best = a;
            }
        }
        return best == null ? module : aliases.get(best) + module.substring(best.length());
    }

    /**
     * Judges an import. Returns an empty list when it is allowlisted, otherwise every rule it hits (the worst
     * first); an import that hits nothing is MEDIUM.
     */
    public List<Judgement> judge(String module, String name) {
        String mod = canonicalModule(module);
        String full = mod + "." + name;
        if (allowExact.contains(full)) {
            return List.of();
        }
        List<Judgement> out = new ArrayList<>();
        String[] comps = full.split("\\.", -1);
        int moduleParts = mod.split("\\.", -1).length;
        // the full path, then every suffix: harmless.module.os.system is still os.system
        for (int i = 0; i < comps.length; i++) {
            String path = String.join(".", java.util.Arrays.copyOfRange(comps, i, comps.length));
            if (i > 0) {
                String head = comps[i];
                String canon = canonicalModule(head);
                path = canon + path.substring(head.length());
            }
            String hit = longestDeny(path);
            if (hit == null) {
                continue;
            }
            if (i == 0 && longestAllowPrefix(path) > hit.length()) {
                continue;
            }
            Rule rule = deny.get(hit);
            String reason = i == 0 ? hit + ": " + rule.reason()
                    : hit + " reached through the attribute path " + full + ": " + rule.reason();
            out.add(new Judgement(rule.severity(), reason));
        }
        for (int i = moduleParts; i < comps.length; i++) {
            String c = comps[i];
            Rule rule = attrs.get(c);
            if (rule == null && anyDunder != null && c.length() > 4 && c.startsWith("__") && c.endsWith("__")) {
                rule = anyDunder;
            }
            if (rule != null) {
                out.add(new Judgement(rule.severity(), "attribute " + c + " in " + full + ": " + rule.reason()));
            }
            if (c.isEmpty()) {
                out.add(new Judgement(Severity.HIGH, "empty component in " + full + ": malformed or evasive name"));
            }
        }
        if (out.isEmpty()) {
            if (longestAllowPrefix(full) > 0) {
                return List.of();
            }
            out.add(new Judgement(Severity.MEDIUM,
                    full + " is neither in the allowlist of globals used by model files nor a known danger"));
        }
        out.sort((a, b) -> a.severity().compareTo(b.severity()));
        return out;
    }

    private String longestDeny(String path) {
        String best = null;
        int end = path.length();
        while (end > 0) {
            String p = path.substring(0, end);
            if (deny.containsKey(p)) {
                best = p;
                break;
            }
            end = p.lastIndexOf('.');
        }
        return best;
    }

    private int longestAllowPrefix(String path) {
        int best = 0;
        for (String p : allowPrefixes) {
            // a prefix covers the names directly under it, not attribute paths below them
            if (path.startsWith(p) && p.length() > best && path.indexOf('.', p.length()) < 0) {
                best = p.length();
            }
        }
        return best;
    }
}
