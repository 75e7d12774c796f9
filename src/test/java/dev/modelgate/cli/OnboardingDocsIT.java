package dev.modelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.integrity.ModelDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/onboarding.md, executed: every fenced sh block, in the order written, in one working folder, with
 * {@code bin/modelgate} on the PATH and a local HTTPS server speaking the Hub's API as HF_ENDPOINT (trusted through
 * the launcher's MODELGATE_JAVA_OPTS). What this machine lacks is provided: the files a user downloads by hand, and
 * {@code hf download} as a stand-in that lays out what huggingface_hub writes. Needs the packaged application.
 */
class OnboardingDocsIT {

    static final Path DOC = LauncherIT.REPO.resolve("docs/onboarding.md");

    @Test
    void everyCommandRunsInOrder() throws Exception {
        Path base = Files.createDirectories(LauncherIT.REPO.resolve("target/it-onboarding"));
        Path work = Files.createTempDirectory(base, "work");
        Path bin = DocBlocks.binDir(base.resolve(work.getFileName() + "-bin"));
        Path hf = bin.resolve("hf");
        Files.writeString(hf, """
                #!/bin/sh
                # Stand-in for `hf download REPO --local-dir DIR`: the files, .gitattributes and huggingface_hub's metadata.
                set -e
                [ "$1" = download ] || exit 2
                dir=""
                while [ $# -gt 0 ]; do case "$1" in --local-dir) dir="$2"; shift 2;; *) shift;; esac; done
                mkdir -p "$dir/.cache/huggingface/download"
                cp "$HF_FIXTURE"/* "$dir/"
                printf '*.safetensors filter=lfs diff=lfs merge=lfs -text\\n' > "$dir/.gitattributes"
                printf '*\\n' > "$dir/.cache/huggingface/.gitignore"
                printf 'abc\\n123\\n' > "$dir/.cache/huggingface/download/model.safetensors.metadata"
                """);
        Files.setPosixFilePermissions(hf, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path fixture = Files.createDirectories(base.resolve(work.getFileName() + "-hf"));
        ModelDirs.write(fixture.resolve("model.safetensors"), ModelDirs.safetensors(1024));
        ModelDirs.write(fixture.resolve("config.json"), "{\"model_type\": \"mistral\"}\n".getBytes(StandardCharsets.UTF_8));
        ModelDirs.write(work.resolve("downloads/fooocus/juggernautXL_v8Rundiffusion.safetensors"), ModelDirs.safetensors(2048));
        ModelDirs.write(work.resolve("downloads/fooocus/sd_xl_offset_example-lora_1.0.safetensors"), ModelDirs.safetensors(64));
        Files.writeString(work.resolve("signing-passphrase"), "correct horse battery staple\n");

        try (HubServer hub = new HubServer("stabilityai/stable-diffusion-xl-base-1.0",
                "462165984030d82259a11f4367a4eed129e94a7b")) {
            hub.file(".gitattributes", "*.safetensors filter=lfs\n".getBytes(StandardCharsets.UTF_8), false)
                    .file("model_index.json", "{}\n".getBytes(StandardCharsets.UTF_8), false)
                    .file("sd_xl_base_1.0.safetensors", ModelDirs.safetensors(4096), true)
                    .file("sd_xl_offset_example-lora_1.0.safetensors", ModelDirs.safetensors(32), true)
                    .start("main");
            Path trust = base.resolve(work.getFileName() + "-trust.p12");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("hub", hub.ca.certificate());
            try (var out = Files.newOutputStream(trust)) {
                ks.store(out, "changeit".toCharArray());
            }
            Map<String, String> env = Map.of("HF_ENDPOINT", hub.endpoint(), "HF_FIXTURE", fixture.toString(),
                    "MODELGATE_JAVA_OPTS", "-Djavax.net.ssl.trustStore=" + trust
                            + " -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12");

            List<DocBlocks.Block> blocks = DocBlocks.blocks(DOC).stream().filter(b -> b.info().equals("sh")).toList();
            assertTrue(blocks.size() >= 7, "expected the sh blocks of every path, found " + blocks.size());
            StringBuilder transcript = new StringBuilder();
            DocBlocks.Shell last = null;
            for (DocBlocks.Block b : blocks) {
                last = DocBlocks.sh(work, bin, "set -e\n" + b.text(), env);
                transcript.append("$ ").append(b.text()).append(last.out()).append(last.err());
                assertEquals(0, last.exit(), () -> "this block of docs/onboarding.md failed:\n" + b.text()
                        + "\n--- transcript\n" + transcript);
            }
            String sdxl = Files.readString(work.resolve("gitops/comfyui/sdxl-base.yaml"));
            assertTrue(sdxl.contains("url: " + hub.endpoint() + "/stabilityai/stable-diffusion-xl-base-1.0/resolve/"
                    + "462165984030d82259a11f4367a4eed129e94a7b/sd_xl_base_1.0.safetensors"), sdxl);
            assertTrue(sdxl.contains("path: checkpoints/sd_xl_base_1.0.safetensors"), sdxl);
            String mlx = Files.readString(work.resolve("gitops/mlx-mistral.yaml"));
            assertTrue(mlx.contains("bundlePath: model.sig") && !mlx.contains(".gitattributes"), mlx);
            assertTrue(last.out().contains("signed by key 'ml-platform-2026'"), transcript::toString);
            assertTrue(transcript.indexOf("allow Deployment comfyui/comfyui") >= 0, transcript::toString);

            // The last block is a real check: a changed byte fails it.
            ModelDirs.flipByte(work.resolve("downloads/mistral-7b-4bit/model.safetensors"), 200);
            DocBlocks.Shell tampered = DocBlocks.sh(work, bin, "set -e\n" + blocks.get(blocks.size() - 1).text(), env);
            assertEquals(1, tampered.exit(), tampered.out() + tampered.err());
        }
    }
}
