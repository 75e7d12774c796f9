package dev.modelgate.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The other files of a model folder: code refused until reviewed, the text every snapshot carries benign. */
class FolderFilesTest {

    final ModelScanner scanner = new ModelScanner();
    final ModelScanner reviewed = scanner.withExceptions(new ScanExceptions(java.util.Set.of(), true));

    ScanReport scan(ModelScanner s, String name, String text) throws IOException {
        return s.scan(name, ByteSource.of(text.getBytes(StandardCharsets.UTF_8)));
    }

    static java.util.List<Arguments> benign() {
        return java.util.List.of(
                Arguments.of("config.json", "{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 4096, \"model_type\": \"llama\"}"),
                Arguments.of("generation_config.json", "{\"bos_token_id\": 1, \"do_sample\": true}"),
                Arguments.of("special_tokens_map.json", "{\"bos_token\": \"<s>\"}"),
                Arguments.of("tokenizer.json", "{\"version\": \"1.0\", \"model\": {\"type\": \"BPE\"}}"),
                Arguments.of("tokenizer_config.json", "{\"chat_template\": \"{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}\"}"),
                Arguments.of("tokenizer_config.json", "{\"chat_template\": \"{%- set ns = namespace(system=false) -%}{%- for m in messages -%}{{ m['content'] | tojson }}{%- endfor -%}{{ raise_exception('x') if false }}\"}"),
                Arguments.of("README.md", "---\nlicense: apache-2.0\n---\n# Llama model\nImport it with transformers."),
                Arguments.of(".gitattributes", "*.safetensors filter=lfs diff=lfs merge=lfs -text"),
                Arguments.of("vocab.txt", "[PAD]\n[UNK]\nlist\nimport\n"),
                Arguments.of("merges.txt", "#version: 0.2\nc d\nl i\n"),
                Arguments.of("LICENSE", "Apache License Version 2.0"),
                Arguments.of("scheduler/scheduler_config.json", "{\"_class_name\": \"PNDMScheduler\", \"beta_end\": 0.012}"),
                Arguments.of("model_index.json", "{\"_class_name\": \"StableDiffusionPipeline\", \"unet\": [\"diffusers\", \"UNet2DConditionModel\"], \"tokenizer\": [\"transformers\", \"CLIPTokenizer\"], \"safety_checker\": [null, null]}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benign")
    void benignFilesOfEverySnapshotAreRecognised(String name, String text) throws IOException {
        ScanReport r = scan(scanner, name, text);
        assertEquals(Verdict.BENIGN, r.verdict(), () -> name + ScanVectorsTest.describe(r));
        assertTrue(r.findings().isEmpty(), () -> name + ScanVectorsTest.describe(r));
    }

    static java.util.List<Arguments> code() {
        return java.util.List.of(
                Arguments.of("modeling_evil.py", "import os\nos.system('id')"),
                Arguments.of("config.json", "{\"auto_map\": {\"AutoModelForCausalLM\": \"modeling_evil.EvilForCausalLM\"}}"),
                Arguments.of("config.json", "{\"model_type\": \"x\", \"trust_remote_code\": true}"),
                Arguments.of("config.json", "{\"model_type\": \"llama\", \"model_file\": \"evil_model.py\"}"),
                Arguments.of("model_index.json", "{\"unet\": [\"my_pipeline\", \"EvilUNet\"]}"),
                Arguments.of("tokenizer_config.json", "{\"chat_template\": \"{{ cycler.__init__.__globals__.os.popen('id').read() }}\"}"),
                Arguments.of("tokenizer_config.json", "{\"chat_template\": \"{{ ''|attr('\\\\x5f\\\\x5fclass\\\\x5f\\\\x5f') }}\"}"),
                Arguments.of("tokenizer_config.json", "{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"{{ lipsum.__globals__ }}\"}]}"),
                Arguments.of("tokenizer_config.json", "{\"chat_template\": \"{{ self._TemplateReference__context }}\"}"),
                Arguments.of("chat_template.jinja", "{{ ()|attr('__cl' ~ 'ass__') }}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("code")
    void codeIsRefusedUntilReviewed(String name, String text) throws IOException {
        ScanReport r = scan(scanner, name, text);
        assertEquals(Verdict.MALICIOUS, r.verdict(), () -> name + ScanVectorsTest.describe(r));
        assertTrue(r.findings().get(0).reason().contains("spec.scan.allowCode"), () -> ScanVectorsTest.describe(r));
        ScanReport ok = scan(reviewed, name, text);
        assertEquals(Verdict.BENIGN, ok.verdict(), () -> name + ScanVectorsTest.describe(ok));
        assertTrue(ok.findings().get(0).reason().startsWith("reviewed code"), () -> ScanVectorsTest.describe(ok));
    }

    @Test
    void aPickleNamedLikeTextIsStillAPickle() throws IOException {
        ScanReport r = scanner.scan("README.md", ByteSource.of(Fixtures.call("os", "system", "id")));
        assertEquals(Verdict.MALICIOUS, r.verdict());
        assertEquals("pickle", r.format());
    }

    @Test
    void brokenConfigJsonIsInvalidNotBenign() throws IOException {
        ScanReport r = scan(scanner, "config.json", "{\"auto_map\": ");
        assertEquals(Verdict.INVALID, r.verdict(), () -> ScanVectorsTest.describe(r));
    }
}
