package dev.modelgate.scan.pickle;

import dev.modelgate.scan.ByteSource;
import dev.modelgate.scan.ScanFinding;
import dev.modelgate.scan.ScanLimits;
import dev.modelgate.scan.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks the opcodes of one pickle without unpickling anything. It keeps a symbolic stack and memo so that
 * imports are resolved the way the unpickler would resolve them (GLOBAL, INST, STACK_GLOBAL from strings
 * produced by any string opcode or fetched from the memo), records every call (REDUCE, OBJ, INST, NEWOBJ,
 * NEWOBJ_EX, BUILD) whether or not its result is used later, and looks inside string values for embedded
 * pickles. Opcodes, stack, memo and nesting are bounded by {@link ScanLimits}.
 */
public final class PickleWalker {

    /** Opcode budget shared by a file's pickles, embedded ones included. */
    public static final class Budget {
        long opcodes;
    }

    /**
     * One walked pickle. {@code end} is the offset after STOP (or where the walk stopped); {@code error} is
     * null when the pickle is complete and well formed.
     */
    public record Result(long start, long end, String error, int protocol, long opcodes, int calls,
                         boolean torchMagic, List<ScanFinding> findings, List<String> globals,
                         java.util.Set<ScanFinding> allowlistOnly) {
        public boolean complete() {
            return error == null;
        }

        /**
         * True when a finding is HIGH or worse for a reason other than allowlist-first (a denylisted import, a
         * dangerous attribute, a bound): what decides whether bytes that do not parse to the end were a pickle
         * at all. Random data "imports" garbage names, which allowlist-first alone would rate HIGH.
         */
        public boolean knownDanger() {
            return findings.stream().anyMatch(f -> f.severity().atLeast(Severity.HIGH) && !allowlistOnly.contains(f));
        }
    }

    /** Marks a structural problem: the unpickler would stop here too. */
    static final class PickleError extends Exception {
        final long offset;

        PickleError(String message, long offset) {
            super(message, null, false, false);
            this.offset = offset;
        }
    }

    /** A bound was hit: reported as a HIGH finding because the rest of the pickle was not looked at. */
    static final class LimitError extends Exception {
        final long offset;

        LimitError(String message, long offset) {
            super(message, null, false, false);
            this.offset = offset;
        }
    }

    private static final byte[] TORCH_MAGIC = {
            0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};
    private static final int NAME_HEAD = 4096;
    private static final int MAX_EMBEDDED = 16 << 20;
    private static final int MAX_LINE = 1 << 20;

    private static final Object OTHER = new Object();
    private static final Object PERSISTENT = new Object();

    private record Str(String text, boolean truncated) {
    }

    /** An import on the stack; {@code imp} is its entry, resolved once so hot paths do no lookups. */
    private record Glob(String module, String name, long offset, Import imp) {
    }

    private record CallResult(Glob origin) {
    }

    /** A tuple whose first items are known (calls with guarded globals look at their arguments). */
    private record Tup(List<Object> items, boolean partial) {
    }

    private static final Tup EMPTY_TUPLE = new Tup(List.of(), false);
    private static final int TUPLE_ITEMS = 8;
    private static final java.util.regex.Pattern ENUM_NAME = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final java.util.Set<String> LATIN1 = java.util.Set.of(
            "latin1", "latin-1", "latin_1", "iso-8859-1", "iso8859-1", "iso_8859_1", "l1");

    private static final class Import {
        final String module;
        final String name;
        final long offset;
        final List<String> calls = new ArrayList<>();
        PickleRules.Guard guard;
        int callCount;
        long pushes;
        long safeCalls;
        String misuse;

        Import(String module, String name, long offset) {
            this.module = module;
            this.name = name;
            this.offset = offset;
        }
    }

    private final PickleRules rules;
    private final ScanLimits limits;
    private final Budget budget;
    private final int depth;

    private final ArrayList<Object> stack = new ArrayList<>();
    private int[] marks = new int[16];
    private int markCount;
    private final HashMap<Long, Object> memo = new HashMap<>();
    private final Map<String, Import> imports = new LinkedHashMap<>();
    private final List<ScanFinding> findings = new ArrayList<>();
    /** Findings that are HIGH only because enforcement is allowlist-first (see Result#knownDanger). */
    private final java.util.Set<ScanFinding> allowlistOnly = new java.util.HashSet<>();
    private int calls;
    private int lastMarkSize;
    private int protocol;
    private boolean torchMagic;
    private long opcodes;

    public PickleWalker(PickleRules rules, ScanLimits limits, Budget budget, int depth) {
        this.rules = rules;
        this.limits = limits;
        this.budget = budget;
        this.depth = depth;
    }

    /** Walks the pickle that starts at {@code start}. A walker is used for one pickle only. */
    public Result walk(ByteSource src, long start) {
        Cursor in = new Cursor(src, start);
        String error = null;
        try {
            run(in);
        } catch (PickleError e) {
            error = e.getMessage() + " at offset " + e.offset;
        } catch (LimitError e) {
            findings.add(ScanFinding.of(Severity.HIGH, e.offset,
                    "scan stopped: " + e.getMessage() + "; the rest of the pickle was not examined"));
            error = null;
            return finish(start, in.pos, "scan limit: " + e.getMessage());
        } catch (IOException e) {
            error = "read error: " + e.getMessage();
        }
        return finish(start, in.pos, error);
    }

    private Result finish(long start, long end, String error) {
        List<ScanFinding> out = new ArrayList<>(findings);
        for (Import imp : imports.values()) {
            List<PickleRules.Judgement> js = rules.judge(imp.module, imp.name);
            PickleRules.Guard guard = rules.guard(imp.module, imp.name);
            boolean guardHeld = guard != null && imp.misuse == null && imp.pushes == imp.safeCalls;
            if (js.isEmpty() && (guard == null || guardHeld) || !js.isEmpty() && guardHeld) {
                continue; // on the allowlist, or allowed for the use the walker saw at every call
            }
            String global = imp.module + "." + imp.name;
            Severity severity;
            String why;
            boolean onlyAllowlist = js.isEmpty() || !js.get(0).severity().atLeast(Severity.HIGH);
            if (guard != null) {
                severity = js.isEmpty() || !js.get(0).severity().atLeast(Severity.HIGH) ? Severity.HIGH
                        : js.get(0).severity();
                why = global + " is allowed only where " + guard.reason() + ", and here "
                        + (imp.misuse != null ? imp.misuse : "it is used in another way (passed on, not called)")
                        + (js.isEmpty() ? "" : " (" + js.get(0).reason() + ")");
            } else if (depth > 0 || js.get(0).severity().atLeast(Severity.HIGH)) {
                // the denylist's word: a known danger, or an import in a pickle that is only data here
                severity = js.get(0).severity();
                why = js.get(0).reason();
            } else if (rules.reviewed(imp.module, imp.name)) {
                severity = Severity.LOW;
                why = global + " is accepted by a reviewed exception (spec.scan.allowGlobals) although it is not on"
                        + " the allowlist (" + js.get(0).reason() + ")";
            } else {
                // allowlist-first: what real model files do not use is refused, whatever the denylist says
                severity = Severity.HIGH;
                why = global + " is not on the allowlist of globals model files use (" + js.get(0).reason()
                        + "); loading imports and can run code no review has seen: refused under enforce unless"
                        + " the model lists it in spec.scan.allowGlobals after review";
            }
            if (depth == 0 && guard == null && js.get(0).severity().atLeast(Severity.HIGH)
                    && rules.reviewed(imp.module, imp.name)) {
                why += "; a reviewed exception cannot accept a global the denylist rates "
                        + js.get(0).severity();
            }
            StringBuilder reason = new StringBuilder(why);
            if (imp.callCount > 0) {
                reason.append("; called ").append(imp.callCount).append("x (").append(String.join(", ", imp.calls))
                        .append(imp.callCount > imp.calls.size() ? ", ..." : "").append(")");
            } else {
                reason.append("; imported (importing it is enough to load the module)");
            }
            ScanFinding finding = new ScanFinding(severity, imp.module, imp.name, imp.offset, reason.toString());
            out.add(finding);
            if (onlyAllowlist) {
                allowlistOnly.add(finding);
            }
        }
        List<String> globals = new ArrayList<>();
        for (Import imp : imports.values()) {
            globals.add(imp.module + "." + imp.name);
        }
        return new Result(start, end, error, protocol, opcodes, calls, torchMagic, out, globals,
                java.util.Set.copyOf(allowlistOnly));
    }

    private void run(Cursor in) throws IOException, PickleError, LimitError {
        while (true) {
            long off = in.pos;
            int op = in.read();
            if (op < 0) {
                throw new PickleError("pickle data was truncated (no STOP)", off);
            }
            opcodes++;
            if (++budget.opcodes > limits.maxOpcodes()) {
                throw new LimitError("more than " + limits.maxOpcodes() + " opcodes", off);
            }
            switch (op) {
                case '(' -> { // MARK
                    if (markCount == marks.length) {
                        if (markCount >= limits.maxStack()) {
                            throw new LimitError("more than " + limits.maxStack() + " nested marks", off);
                        }
                        marks = java.util.Arrays.copyOf(marks, markCount * 2);
                    }
                    marks[markCount++] = stack.size();
                }
                case '.' -> { // STOP
                    pop(off);
                    return;
                }
                case '0' -> { // POP
                    if (stack.size() > fence()) {
                        stack.remove(stack.size() - 1);
                    } else if (markCount > 0) {
                        markCount--;
                    } else {
                        throw new PickleError("POP on an empty stack", off);
                    }
                }
                case '1' -> popMark(off); // POP_MARK
                case '2' -> push(peek(off), off); // DUP
                case 'F', 'I', 'L' -> { // FLOAT, INT, LONG
                    in.line(off);
                    push(OTHER, off);
                }
                case 'J' -> { // BININT
                    in.skip(4, off);
                    push(OTHER, off);
                }
                case 'K' -> { // BININT1
                    in.skip(1, off);
                    push(OTHER, off);
                }
                case 'M' -> { // BININT2
                    in.skip(2, off);
                    push(OTHER, off);
                }
                case 'G' -> { // BINFLOAT
                    in.skip(8, off);
                    push(OTHER, off);
                }
                case 'N', 0x88, 0x89 -> push(OTHER, off); // NONE, NEWTRUE, NEWFALSE
                case 0x8a -> { // LONG1
                    int n = in.u8(off);
                    byte[] b = in.bytes(n, off);
                    if (n == TORCH_MAGIC.length && java.util.Arrays.equals(b, TORCH_MAGIC)) {
                        torchMagic = true;
                    }
                    push(OTHER, off);
                }
                case 0x8b -> { // LONG4
                    long n = in.s32(off);
                    if (n < 0) {
                        throw new PickleError("LONG4 with negative length", off);
                    }
                    in.skip(n, off);
                    push(OTHER, off);
                }
                case 'P' -> { // PERSID
                    in.line(off);
                    push(PERSISTENT, off);
                }
                case 'Q' -> { // BINPERSID
                    pop(off);
                    push(PERSISTENT, off);
                }
                case 'R' -> { // REDUCE
                    Object args = pop(off);
                    Object callable = pop(off);
                    if (callable instanceof Glob g) {
                        guarded(g, args, off);
                    }
                    call(callable, "REDUCE", off);
                    push(new CallResult(callable instanceof Glob g ? g : null), off);
                }
                case 0x81 -> { // NEWOBJ
                    pop(off);
                    Object cls = pop(off);
                    call(cls, "NEWOBJ", off);
                    push(new CallResult(cls instanceof Glob g ? g : null), off);
                }
                case 0x92 -> { // NEWOBJ_EX
                    pop(off);
                    pop(off);
                    Object cls = pop(off);
                    call(cls, "NEWOBJ_EX", off);
                    push(new CallResult(cls instanceof Glob g ? g : null), off);
                }
                case 'o' -> { // OBJ
                    List<Object> items = popMark(off);
                    if (items.isEmpty()) {
                        throw new PickleError("OBJ without a class", off);
                    }
                    Object cls = items.get(0);
                    call(cls, "OBJ", off);
                    push(new CallResult(cls instanceof Glob g ? g : null), off);
                }
                case 'b' -> { // BUILD
                    pop(off);
                    Object target = peek(off);
                    calls++;
                    if (target instanceof Glob g) {
                        importOf(g).calls.add("BUILD@" + off);
                        findings.add(new ScanFinding(Severity.HIGH, g.module(), g.name(), off,
                                "BUILD applied to the imported object itself: rewrites attributes of "
                                        + g.module() + "." + g.name() + " in the loading process"));
                    } else if (target instanceof CallResult c && c.origin() != null) {
                        Import imp = importOf(c.origin());
                        imp.callCount++;
                        if (imp.calls.size() < 3) {
                            imp.calls.add("BUILD@" + off);
                        }
                    }
                }
                case 'S' -> { // STRING
                    String raw = in.line(off).trim();
                    if (raw.length() < 2 || raw.charAt(0) != raw.charAt(raw.length() - 1)
                            || (raw.charAt(0) != '\'' && raw.charAt(0) != '"')) {
                        throw new PickleError("STRING argument is not quoted", off);
                    }
                    byte[] v = PyText.unescapeString(raw.substring(1, raw.length() - 1));
                    push(string(v, v.length, true, off), off);
                }
                case 'V' -> { // UNICODE (raw-unicode-escape)
                    String v = PyText.rawUnicodeEscape(in.lineBytes(off));
                    byte[] b = v.getBytes(StandardCharsets.UTF_8);
                    push(stringOf(v, b, off), off);
                }
                case 'T' -> { // BINSTRING
                    long n = in.s32(off);
                    if (n < 0) {
                        throw new PickleError("BINSTRING with negative length", off);
                    }
                    push(data(in, n, false, off), off);
                }
                case 'U' -> push(data(in, in.u8(off), false, off), off); // SHORT_BINSTRING
                case 'X' -> push(data(in, in.u32(off), true, off), off); // BINUNICODE
                case 0x8c -> push(data(in, in.u8(off), true, off), off); // SHORT_BINUNICODE
                case 0x8d -> push(data(in, in.u64(off), true, off), off); // BINUNICODE8
                case 'B' -> push(data(in, in.u32(off), false, off), off); // BINBYTES
                case 'C' -> push(data(in, in.u8(off), false, off), off); // SHORT_BINBYTES
                case 0x8e, 0x96 -> push(data(in, in.u64(off), false, off), off); // BINBYTES8, BYTEARRAY8
                case 'a' -> { // APPEND
                    pop(off);
                    peek(off);
                }
                case 'e' -> { // APPENDS
                    popMark(off);
                    peek(off);
                }
                case 's' -> { // SETITEM
                    pop(off);
                    pop(off);
                    peek(off);
                }
                case 'u' -> { // SETITEMS
                    popMark(off);
                    peek(off);
                }
                case 0x90 -> { // ADDITEMS
                    popMark(off);
                    peek(off);
                }
                case 'd', 'l', 0x91 -> { // DICT, LIST, FROZENSET
                    popMark(off);
                    push(OTHER, off);
                }
                case 't' -> { // TUPLE
                    List<Object> items = popMark(off);
                    push(tuple(items, lastMarkSize > items.size()), off);
                }
                case '}', ']', 0x8f -> push(OTHER, off); // EMPTY_DICT, EMPTY_LIST, EMPTY_SET
                case ')' -> push(EMPTY_TUPLE, off); // EMPTY_TUPLE
                case 0x85 -> { // TUPLE1
                    Object a = pop(off);
                    push(tuple(List.of(a), false), off);
                }
                case 0x86 -> { // TUPLE2
                    Object b = pop(off);
                    Object a = pop(off);
                    push(tuple(List.of(a, b), false), off);
                }
                case 0x87 -> { // TUPLE3
                    Object c = pop(off);
                    Object b = pop(off);
                    Object a = pop(off);
                    push(tuple(List.of(a, b, c), false), off);
                }
                case 'c' -> { // GLOBAL
                    String module = in.utf8Line(off);
                    String name = in.utf8Line(off);
                    push(global(module, name, off), off);
                }
                case 'i' -> { // INST
                    String module = in.utf8Line(off);
                    String name = in.utf8Line(off);
                    Glob g = global(module, name, off);
                    popMark(off);
                    call(g, "INST", off);
                    push(new CallResult(g), off);
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop(off);
                    Object module = pop(off);
                    if (module instanceof Str m && name instanceof Str n) {
                        if (m.truncated() || n.truncated()) {
                            findings.add(ScanFinding.of(Severity.HIGH, off,
                                    "STACK_GLOBAL with a module or name longer than " + NAME_HEAD + " bytes"));
                        }
                        push(global(m.text(), n.text(), off), off);
                    } else {
                        findings.add(ScanFinding.of(Severity.HIGH, off,
                                "STACK_GLOBAL whose module and name are not strings the scanner can resolve"));
                        push(new CallResult(null), off);
                    }
                }
                case 0x82, 0x83, 0x84 -> { // EXT1, EXT2, EXT4
                    long code = op == 0x82 ? in.u8(off) : op == 0x83 ? in.u16(off) : in.s32(off);
                    ScanFinding ext = ScanFinding.of(depth == 0 ? Severity.HIGH : Severity.MEDIUM, off, "extension code "
                            + code + " (EXT" + (op == 0x82 ? 1 : op == 0x83 ? 2 : 4) + "): imports whatever global the"
                            + " loading process registered with copyreg, which no scan of the file can know; model"
                            + " files never use it");
                    findings.add(ext);
                    allowlistOnly.add(ext);
                    push(global("copyreg", "_extension_registry." + code, off), off);
                }
                case 'g' -> push(memoGet(parseIndex(in.line(off), off), off), off); // GET
                case 'h' -> push(memoGet(in.u8(off), off), off); // BINGET
                case 'j' -> push(memoGet(in.u32(off), off), off); // LONG_BINGET
                case 'p' -> memoPut(parseIndex(in.line(off), off), off); // PUT
                case 'q' -> memoPut(in.u8(off), off); // BINPUT
                case 'r' -> memoPut(in.u32(off), off); // LONG_BINPUT
                case 0x94 -> memoPut(memo.size(), off); // MEMOIZE
                case 0x80 -> { // PROTO
                    int v = in.u8(off);
                    if (v > 5) {
                        throw new PickleError("unsupported pickle protocol " + v, off);
                    }
                    protocol = Math.max(protocol, v);
                }
                case 0x95 -> in.skip(8, off); // FRAME: its length only; the opcodes inside are walked
                case 0x97 -> push(OTHER, off); // NEXT_BUFFER
                case 0x98 -> peek(off); // READONLY_BUFFER
                default -> throw new PickleError(String.format("invalid opcode 0x%02x", op), off);
            }
        }
    }

    // ---- stack and memo -------------------------------------------------------------------------------

    private int fence() {
        return markCount == 0 ? 0 : marks[markCount - 1];
    }

    private void push(Object v, long off) throws LimitError {
        if (stack.size() >= limits.maxStack()) {
            throw new LimitError("stack deeper than " + limits.maxStack(), off);
        }
        if (v instanceof Glob g) {
            g.imp().pushes++; // every copy on the stack must be consumed by a checked call (see guarded)
        }
        stack.add(v);
    }

    private static Object tuple(List<Object> items, boolean partial) {
        for (Object o : items) {
            if (o != OTHER) {
                return new Tup(items, partial);
            }
        }
        return partial ? new Tup(List.of(), true) : OTHER; // plain data: nothing a guard looks at
    }

    private Object pop(long off) throws PickleError {
        if (stack.size() <= fence()) {
            throw new PickleError("unpickling stack underflow", off);
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek(long off) throws PickleError {
        if (stack.size() <= fence()) {
            throw new PickleError("unpickling stack underflow", off);
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark(long off) throws PickleError {
        if (markCount == 0) {
            throw new PickleError("could not find MARK", off);
        }
        int k = marks[--markCount];
        List<Object> tail = stack.subList(k, stack.size());
        lastMarkSize = tail.size();
        List<Object> items = new ArrayList<>(tail.size() <= TUPLE_ITEMS ? tail : tail.subList(0, 1));
        tail.clear();
        return items;
    }

    private long parseIndex(String line, long off) throws PickleError {
        try {
            long v = Long.parseLong(line.trim());
            if (v < 0) {
                throw new PickleError("negative memo index", off);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new PickleError("memo index is not a number", off);
        }
    }

    private Object memoGet(long idx, long off) throws PickleError {
        Object v = memo.get(idx);
        if (v == null) {
            throw new PickleError("memo key " + idx + " was never stored", off);
        }
        return v;
    }

    private void memoPut(long idx, long off) throws PickleError, LimitError {
        Object top = peek(off);
        if (memo.size() >= limits.maxMemo() && !memo.containsKey(idx)) {
            throw new LimitError("more than " + limits.maxMemo() + " memo entries", off);
        }
        memo.put(idx, top);
    }

    // ---- imports and calls ----------------------------------------------------------------------------

    private Glob global(String module, String name, long off) {
        Import imp = imports.computeIfAbsent(module + "\n" + name, k -> {
            Import i = new Import(module, name, off);
            i.guard = rules.guard(module, name);
            return i;
        });
        return new Glob(module, name, off, imp);
    }

    private static Import importOf(Glob g) {
        return g.imp();
    }

    private void call(Object callable, String opcode, long off) {
        calls++;
        // a callable that is not an import was obtained at load time: what it reaches cannot be judged from
        // the file, and no model file needs one, so it refuses (an embedded pickle is only data: MEDIUM)
        Severity unknown = depth == 0 ? Severity.HIGH : Severity.MEDIUM;
        if (callable instanceof Glob g) {
            Import imp = importOf(g);
            imp.callCount++;
            if (imp.calls.size() < 3) {
                imp.calls.add(opcode + "@" + off);
            }
            if (imp.guard != null && imp.misuse == null && !opcode.equals("REDUCE")) {
                imp.misuse = "it is called by " + opcode + "@" + off;
            }
        } else if (callable instanceof CallResult c) {
            ScanFinding f = ScanFinding.of(unknown, off, opcode + " calls the result of another call"
                    + (c.origin() == null ? "" : " (of " + c.origin().module() + "." + c.origin().name() + ")")
                    + ": a callable obtained at load time, such as a builtins dictionary lookup or an attribute"
                    + " walk; model files never do this");
            findings.add(f);
            allowlistOnly.add(f);
        } else if (callable == PERSISTENT) {
            ScanFinding f = ScanFinding.of(unknown, off, opcode + " calls an object returned by persistent_load");
            findings.add(f);
            allowlistOnly.add(f);
        }
    }

    /** A REDUCE of a guarded import: counts the call as safe when its arguments are the allowed use. */
    private void guarded(Glob g, Object args, long off) {
        Import imp = g.imp();
        PickleRules.Guard guard = imp.guard;
        if (guard == null) {
            return;
        }
        String problem = guardProblem(guard, args);
        if (problem == null) {
            imp.safeCalls++;
        } else if (imp.misuse == null) {
            imp.misuse = problem + " (REDUCE@" + off + ")";
        }
    }

    private String guardProblem(PickleRules.Guard guard, Object args) {
        if (!(args instanceof Tup t) || t.partial()) {
            return "its arguments are not a tuple the scanner can read";
        }
        List<Object> a = t.items();
        switch (guard.kind()) {
            case ENUM_MEMBER -> {
                if (a.size() != 2 || !(a.get(0) instanceof Glob cls) || !(a.get(1) instanceof Str name)
                        || name.truncated() || !ENUM_NAME.matcher(name.text()).matches()) {
                    return "it is not called as getattr(class, 'MEMBER')";
                }
                if (!rules.allowed(cls.module(), cls.name()) && !rules.reviewed(cls.module(), cls.name())) {
                    return "it looks up " + name.text() + " on " + cls.module() + "." + cls.name()
                            + ", which is not an allowed class";
                }
                return null;
            }
            case LATIN1 -> {
                if (a.isEmpty() || a.size() > 2 || !(a.get(0) instanceof Str)
                        || a.size() == 2 && !(a.get(1) instanceof Str enc
                        && LATIN1.contains(enc.text().toLowerCase(java.util.Locale.ROOT)))) {
                    return "it is not called as encode(text, 'latin1')";
                }
                return null;
            }
            case IMPORTS -> {
                for (int i : guard.indexes()) {
                    if (i >= a.size() || !(a.get(i) instanceof Glob)) {
                        return "its argument " + i + " is an object built at load time, not an import";
                    }
                }
                return null;
            }
            default -> {
                return "unknown condition";
            }
        }
    }

    // ---- strings --------------------------------------------------------------------------------------

    private Object data(Cursor in, long len, boolean text, long off) throws IOException, PickleError, LimitError {
        if (len < 0 || in.pos + len > in.src.size() || in.pos + len < in.pos) {
            throw new PickleError("pickle data was truncated (string of " + len + " bytes)", off);
        }
        long dataPos = in.pos;
        byte[] head = in.src.readAt(dataPos, (int) Math.min(len, NAME_HEAD));
        byte[] full = head;
        if (len > head.length && len <= MAX_EMBEDDED && mayEmbed(head)) {
            full = in.src.readAt(dataPos, (int) len);
        }
        in.seek(dataPos + len);
        if (full.length == len) {
            lookForEmbedded(full, off);
        }
        String s = text ? new String(head, StandardCharsets.UTF_8) : new String(head, StandardCharsets.ISO_8859_1);
        return new Str(s, len > head.length);
    }

    private Str string(byte[] v, long len, boolean text, long off) throws LimitError {
        lookForEmbedded(v, off);
        String s = new String(v, 0, (int) Math.min(v.length, NAME_HEAD), StandardCharsets.ISO_8859_1);
        return new Str(s, len > NAME_HEAD);
    }

    private Str stringOf(String v, byte[] utf8, long off) throws LimitError {
        lookForEmbedded(utf8, off);
        return new Str(v.length() > NAME_HEAD ? v.substring(0, NAME_HEAD) : v, v.length() > NAME_HEAD);
    }

    private static boolean mayEmbed(byte[] head) {
        return looksLikePickle(head) || isBase64Start(head);
    }

    private static boolean looksLikePickle(byte[] b) {
        if (b.length >= 4 && (b[0] & 0xff) == 0x80 && b[1] >= 0 && b[1] <= 5) {
            return true;
        }
        // protocol 0/1 text pickles: start with MARK or GLOBAL and end with STOP
        return b.length >= 6 && (b[0] == '(' || b[0] == 'c') && b[b.length - 1] == '.';
    }

    private static boolean isBase64Start(byte[] b) {
        if (b.length < 16) {
            return false;
        }
        for (int i = 0; i < Math.min(b.length, 64); i++) {
            int c = b[i];
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
                    || c == '=' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** Pickles hidden in string or bytes values, raw or base64-encoded, are walked as well (bounded depth). */
    private void lookForEmbedded(byte[] v, long off) throws LimitError {
        byte[] candidate = null;
        String how = null;
        if (looksLikePickle(v)) {
            candidate = v;
            how = "raw";
        } else if (isBase64Start(v)) {
            byte[] decoded = decodeBase64(v);
            if (decoded != null && looksLikePickle(decoded)) {
                candidate = decoded;
                how = "base64";
            }
        }
        if (candidate == null) {
            return;
        }
        if (depth + 1 > limits.maxNestedPickle()) {
            findings.add(ScanFinding.of(Severity.MEDIUM, off,
                    "pickles nested deeper than " + limits.maxNestedPickle() + " levels; the innermost was not examined"));
            return;
        }
        PickleWalker inner = new PickleWalker(rules, limits, budget, depth + 1);
        Result r = inner.walk(ByteSource.of(candidate), 0);
        if (r.end() > 0 && (r.complete() || r.knownDanger())) {
            for (ScanFinding f : r.findings()) {
                findings.add(new ScanFinding(f.severity(), f.module(), f.name(), off,
                        "in a pickle embedded (" + how + ") in the string at offset " + off + ": " + f.reason()));
            }
        }
        if (r.error() != null && r.error().startsWith("scan limit")) {
            throw new LimitError("embedded pickle: " + r.error(), off);
        }
    }

    private static byte[] decodeBase64(byte[] v) {
        String s = new String(v, StandardCharsets.ISO_8859_1).trim();
        try {
            return s.indexOf('-') >= 0 || s.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(s)
                    : Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // ---- input ----------------------------------------------------------------------------------------

    /** Buffered sequential reads over a {@link ByteSource}, with skips that do not read. */
    static final class Cursor {
        final ByteSource src;
        long pos;
        private final byte[] buf = new byte[64 * 1024];
        private long bufStart = -1;
        private int bufLen;

        Cursor(ByteSource src, long pos) {
            this.src = src;
            this.pos = pos;
        }

        int read() throws IOException {
            if (bufStart < 0 || pos < bufStart || pos >= bufStart + bufLen) {
                bufStart = pos;
                bufLen = Math.max(0, src.read(pos, buf, 0, buf.length));
                if (bufLen == 0) {
                    bufStart = -1;
                    return -1;
                }
            }
            return buf[(int) (pos++ - bufStart)] & 0xff;
        }

        void seek(long p) {
            pos = p;
        }

        void skip(long n, long off) throws PickleError {
            if (n < 0 || pos + n > src.size()) {
                throw new PickleError("pickle data was truncated", off);
            }
            pos += n;
        }

        int u8(long off) throws IOException, PickleError {
            int b = read();
            if (b < 0) {
                throw new PickleError("pickle data was truncated", off);
            }
            return b;
        }

        int u16(long off) throws IOException, PickleError {
            return u8(off) | u8(off) << 8;
        }

        long u32(long off) throws IOException, PickleError {
            return (u8(off) | (long) u8(off) << 8 | (long) u8(off) << 16 | (long) u8(off) << 24) & 0xffffffffL;
        }

        long s32(long off) throws IOException, PickleError {
            return (int) u32(off);
        }

        long u64(long off) throws IOException, PickleError {
            long lo = u32(off);
            long hi = u32(off);
            if (hi >= 0x80000000L) {
                throw new PickleError("length larger than any file", off);
            }
            return lo | hi << 32;
        }

        byte[] bytes(int n, long off) throws IOException, PickleError {
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) {
                b[i] = (byte) u8(off);
            }
            return b;
        }

        byte[] lineBytes(long off) throws IOException, PickleError {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            while (true) {
                int b = read();
                if (b < 0) {
                    throw new PickleError("pickle data was truncated (line without newline)", off);
                }
                if (b == '\n') {
                    return out.toByteArray();
                }
                if (out.size() >= MAX_LINE) {
                    throw new PickleError("line argument longer than " + MAX_LINE + " bytes", off);
                }
                out.write(b);
            }
        }

        String line(long off) throws IOException, PickleError {
            return new String(lineBytes(off), StandardCharsets.ISO_8859_1);
        }

        String utf8Line(long off) throws IOException, PickleError {
            byte[] b = lineBytes(off);
            if (b.length > 0 && b[b.length - 1] == '\r') {
                b = java.util.Arrays.copyOf(b, b.length - 1);
            }
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
