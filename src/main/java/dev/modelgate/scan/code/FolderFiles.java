package dev.modelgate.scan.code;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.modelgate.scan.ByteSource;
import dev.modelgate.scan.ScanFinding;
import dev.modelgate.scan.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of a model folder that are not weights: the other ways a folder makes its loader run code, and
 * the text every Hugging Face snapshot carries. Python sources, {@code auto_map} (transformers imports the
 * named modules with {@code trust_remote_code}), MLX-style {@code model_file}, diffusers components from
 * outside the known libraries, and chat templates that reach out of the Jinja sandbox are code: HIGH, unless
 * the file's TrustedModel lists it in {@code spec.scan.allowCode} after review (then a LOW note). Plain
 * configuration, tokenizers, READMEs and vocabularies are recognised as benign.
 */
public final class FolderFiles {

    /** Format, findings and a parse error (or null) for one file. */
    public record Result(String format, List<ScanFinding> findings, String error) {
    }

    /** JSON configurations whose keys can name code or carry templates: parsed and judged. */
    private static final Pattern CONFIG_JSON = Pattern.compile(
            "(.*config|chat_template|model_index|params|adapter_config)\\.json");
    /** Text and data files every snapshot carries that no loader executes. */
    private static final Set<String> TEXT_EXTENSIONS = Set.of("md", "txt", "gitattributes", "gitignore", "json",
            "jsonl", "yaml", "yml", "csv", "tsv", "model", "tiktoken", "vocab", "spm", "png", "jpg", "jpeg", "gif",
            "webp", "svg", "license", "cff", "bpe");
    private static final Set<String> TEXT_NAMES = Set.of("license", "notice", "readme", "copying", ".gitattributes",
            ".gitignore", "merges.txt", "vocab.txt", "tokenizer.model", "tokenizer.json", "usage_policy");
    private static final Set<String> CODE_EXTENSIONS = Set.of("py", "pyc", "pyo", "pyx", "pyd", "so", "dylib",
            "dll", "ipynb", "sh", "bash");
    /** Libraries diffusers' model_index.json may name without pulling a module from the folder. */
    private static final Set<String> DIFFUSERS_LIBRARIES = Set.of("diffusers", "transformers", "onnxruntime",
            "null", "flax", "k_diffusion");
    private static final int MAX_CONFIG = 16 << 20;

    /**
     * Jinja sandbox escapes: dunder attributes (spelled out, or built from escapes or concatenation through the
     * {@code attr} filter), the globals templates use as entry points (cycler, joiner, lipsum, self, request,
     * config), and direct names of code-running functions. Ordinary chat templates (ChatML, Llama, Mistral,
     * Qwen, Zephyr) loop over messages, use namespace() and tojson, and match none.
     */
    static final Pattern TEMPLATE_ESCAPE = Pattern.compile(
            "__[A-Za-z_]*__|\\|\\s*attr\\b|\\battr\\s*\\(|\\\\x5[fF]|\\\\u005[fF]|\\\\137|\\bmro\\b"
                    + "|\\b(cycler|joiner|lipsum|self|request|config|url_for|get_flashed_messages)\\s*[.\\[|]"
                    + "|\\bos\\s*\\.|\\bsubprocess\\b|\\bpopen\\b|\\beval\\s*\\(|\\bexec\\s*\\(|\\b__import__"
                    + "|\\bimport_module\\b|\\bgetattr\\s*\\(|\\bsubclasses\\b|\\b(func_)?globals\\b|\\bbuiltins\\b");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build());
    }

    private FolderFiles() {
    }

    /** Whether this file (by name; its content matched no model format) is one this class judges. */
    public static boolean handles(String name) {
        String base = base(name);
        return CODE_EXTENSIONS.contains(ext(base)) || TEXT_EXTENSIONS.contains(ext(base))
                || TEXT_NAMES.contains(base) || base.endsWith(".jinja") || base.endsWith(".j2")
                || base.startsWith("license") || base.startsWith("readme");
    }

    public static Result check(String name, ByteSource src, boolean codeReviewed) throws IOException {
        String base = base(name);
        String ext = ext(base);
        List<ScanFinding> findings = new ArrayList<>();
        if (CODE_EXTENSIONS.contains(ext)) {
            code(findings, codeReviewed, 0, "is " + (ext.startsWith("py") ? "Python code" : "executable code")
                    + " in the model folder: transformers imports such modules with trust_remote_code, other loaders"
                    + " by name");
            return new Result("code", findings, null);
        }
        if (base.endsWith(".jinja") || base.endsWith(".j2")) {
            byte[] b = src.readAt(0, (int) Math.min(src.size(), MAX_CONFIG));
            template(findings, codeReviewed, "the chat template", new String(b, StandardCharsets.UTF_8));
            return new Result("chat_template", findings, null);
        }
        if (ext.equals("json") && CONFIG_JSON.matcher(base).matches()) {
            if (src.size() > MAX_CONFIG) {
                findings.add(ScanFinding.of(Severity.MEDIUM, 0, base + " is larger than " + MAX_CONFIG
                        + " bytes; its keys were not examined"));
                return new Result("json", findings, null);
            }
            JsonNode root;
            try {
                root = JSON.readTree(src.readAt(0, (int) src.size()));
            } catch (IOException e) {
                return new Result("json", findings, "not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
            if (root != null && root.isObject()) {
                config(findings, codeReviewed, base, root);
            }
            return new Result("json", findings, null);
        }
        return new Result(ext.equals("json") ? "json" : "text", findings, null);
    }

    private static void config(List<ScanFinding> findings, boolean reviewed, String base, JsonNode root) {
        JsonNode autoMap = root.get("auto_map");
        if (autoMap != null && !autoMap.isNull()) {
            List<String> refs = new ArrayList<>();
            autoMap.forEach(v -> {
                if (v.isTextual()) {
                    refs.add(v.asText());
                } else {
                    v.forEach(x -> refs.add(x.asText()));
                }
            });
            code(findings, reviewed, 0, "has auto_map (" + String.join(", ", refs.subList(0, Math.min(4,
                    refs.size()))) + "): transformers imports those modules' code when loaded with trust_remote_code");
        }
        JsonNode trc = root.get("trust_remote_code");
        if (trc != null && trc.asBoolean(false)) {
            code(findings, reviewed, 0, "asks for trust_remote_code: the loader runs the folder's Python code");
        }
        JsonNode modelFile = root.get("model_file");
        if (modelFile != null && modelFile.isTextual()) {
            code(findings, reviewed, 0, "names model_file '" + modelFile.asText() + "': MLX loaders import that "
                    + "module to build the model (CVE-2026-5843 class)");
        }
        JsonNode custom = root.get("custom_pipeline");
        if (custom != null && custom.isTextual()) {
            code(findings, reviewed, 0, "names custom_pipeline '" + custom.asText() + "': diffusers runs its code");
        }
        if (base.equals("model_index.json")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (v.isArray() && v.size() == 2 && v.get(0).isTextual()
                        && !DIFFUSERS_LIBRARIES.contains(v.get(0).asText().toLowerCase(Locale.ROOT))) {
                    code(findings, reviewed, 0, "names component " + e.getKey() + " from '" + v.get(0).asText()
                            + "', not a known library: diffusers imports it from the folder's code");
                }
            }
        }
        JsonNode tpl = root.get("chat_template");
        if (tpl != null) {
            if (tpl.isTextual()) {
                template(findings, reviewed, "chat_template", tpl.asText());
            } else if (tpl.isArray()) {
                for (JsonNode t : tpl) {
                    JsonNode text = t.get("template");
                    if (text != null && text.isTextual()) {
                        template(findings, reviewed, "chat_template '" + t.path("name").asText() + "'", text.asText());
                    }
                }
            }
        }
    }

    private static void template(List<ScanFinding> findings, boolean reviewed, String what, String template) {
        Matcher m = TEMPLATE_ESCAPE.matcher(template);
        if (m.find()) {
            code(findings, reviewed, m.start(), "holds " + what + " that reaches '" + m.group() + "': a Jinja sandbox"
                    + " escape runs code when the template is rendered (CVE-2024-34359 class)");
        }
    }

    /** Judges a template string found elsewhere (GGUF metadata). Null when it reaches nothing. */
    public static String templateEscape(String template) {
        Matcher m = TEMPLATE_ESCAPE.matcher(template);
        return m.find() ? m.group() : null;
    }

    private static void code(List<ScanFinding> findings, boolean reviewed, long offset, String what) {
        if (reviewed) {
            findings.add(ScanFinding.of(Severity.LOW, offset, "reviewed code (spec.scan.allowCode): the file " + what));
        } else {
            findings.add(ScanFinding.of(Severity.HIGH, offset, "the file " + what + "; code is refused under enforce "
                    + "until reviewed: list the file in the TrustedModel's spec.scan.allowCode"));
        }
    }

    private static String base(String name) {
        return name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf(':')) + 1).toLowerCase(Locale.ROOT);
    }

    private static String ext(String base) {
        int dot = base.lastIndexOf('.');
        return dot < 0 ? "" : base.substring(dot + 1);
    }
}
