package dev.modelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/gitops.md's pipeline blocks, copied from the file and run with {@code bin/modelgate} on a repository laid
 * out as the page says: the shell inside each CI definition is executed as the CI system would; each block also
 * fails on a refused workload. Needs the packaged application (integration-test phase).
 */
class GitopsDocsIT {

    static final Path DOC = LauncherIT.REPO.resolve("docs/gitops.md");
    static final Path FIXTURES = LauncherIT.REPO.resolve("src/test/resources/admission");

    Path repo;
    Path bin;
    Map<String, DocBlocks.Block> blocks;

    @BeforeEach
    void layout() throws Exception {
        Path base = Files.createDirectories(LauncherIT.REPO.resolve("target/it-gitops"));
        repo = Files.createTempDirectory(base, "repo");
        bin = DocBlocks.binDir(repo.getParent().resolve(repo.getFileName() + "-bin"));
        copy(FIXTURES.resolve("policy/sources.yaml"), repo.resolve("platform/sources/sources.yaml"));
        copy(FIXTURES.resolve("policy/models.yaml"), repo.resolve("apps/comfyui/models/models.yaml"));
        copy(FIXTURES.resolve("policy/namespaces.yaml"), repo.resolve("apps/comfyui/models/namespaces.yaml"));
        copy(FIXTURES.resolve("workloads/comfyui-deployment.yaml"), repo.resolve("apps/comfyui/deploy/comfyui.yaml"));
        copy(LauncherIT.REPO.resolve("charts/modelgate/values.yaml"), repo.resolve("platform/modelgate/values.yaml"));
        blocks = DocBlocks.marked(DOC);
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
    }

    /** Makes the workload one the webhook refuses: the model store mounted writable... by an unknown model. */
    private void breakWorkload() throws Exception {
        Path d = repo.resolve("apps/comfyui/deploy/comfyui.yaml");
        Files.writeString(d, Files.readString(d).replace("sdxl-base, sdxl-vae", "sdxl-base, not-approved"));
    }

    private DocBlocks.Shell run(String script, Path dir, Map<String, String> env) throws Exception {
        return DocBlocks.sh(dir, bin, script, env);
    }

    @Test
    void githubActionsStep() throws Exception {
        JsonNode wf = ResourceYaml.MAPPER.readTree(blocks.get("github-actions").text());
        assertEquals("ghcr.io/modelgate/modelgate:0.1.0", wf.at("/jobs/check/container/image").asText());
        String script = null;
        for (JsonNode step : wf.at("/jobs/check/steps")) {
            if (step.has("run")) {
                script = step.path("run").asText();
            }
        }
        assertTrue(script != null && script.contains("modelgate check"), String.valueOf(script));
        // GitHub runs `run:` with `sh -e {0}` in a job container.
        DocBlocks.Shell ok = run("set -e\n" + script, repo, Map.of());
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertTrue(ok.out().startsWith("allow Deployment comfyui/comfyui\n"), ok.out());
        breakWorkload();
        DocBlocks.Shell refused = run("set -e\n" + script, repo, Map.of());
        assertEquals(1, refused.exit(), refused.out() + refused.err());
        assertTrue(refused.out().contains("deny  Deployment comfyui/comfyui"), refused.out());
    }

    @Test
    void gitlabJob() throws Exception {
        JsonNode ci = ResourceYaml.MAPPER.readTree(blocks.get("gitlab-ci").text());
        assertEquals("ghcr.io/modelgate/modelgate:0.1.0", ci.at("/modelgate-check/image/name").asText());
        List<String> lines = new ArrayList<>();
        ci.at("/modelgate-check/script").forEach(l -> lines.add(l.asText()));
        String script = "set -e\n" + String.join("\n", lines);
        DocBlocks.Shell ok = run(script, repo, Map.of());
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        breakWorkload();
        assertEquals(1, run(script, repo, Map.of()).exit());
    }

    @Test
    void argoCdPluginGeneratesOnlyWhatPasses() throws Exception {
        JsonNode plugin = ResourceYaml.MAPPER.readTree(blocks.get("argocd-plugin").text());
        assertEquals("ConfigManagementPlugin", plugin.path("kind").asText());
        assertEquals("sh", plugin.at("/spec/generate/command/0").asText());
        String script = plugin.at("/spec/generate/args/0").asText();
        Path app = repo.resolve("apps/comfyui/deploy");
        Map<String, String> env = Map.of("ARGOCD_ENV_MODELGATE_POLICY", "../models");
        // Argo CD runs the plugin in the application's path; the policy folder is relative to it.
        Files.createDirectories(repo.resolve("apps/comfyui/models"));
        Files.copy(repo.resolve("platform/sources/sources.yaml"), repo.resolve("apps/comfyui/models/sources.yaml"));
        DocBlocks.Shell ok = run(script, app, env);
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        List<JsonNode> manifests = ResourceYaml.MAPPER.readerFor(JsonNode.class).<JsonNode>readValues(ok.out()).readAll();
        assertTrue(manifests.stream().anyMatch(m -> m != null && "Deployment".equals(m.path("kind").asText())), ok.out());
        assertTrue(ok.err().contains("allow Deployment comfyui/comfyui"), ok.err());
        breakWorkload();
        DocBlocks.Shell refused = run(script, app, env);
        assertEquals(1, refused.exit(), refused.out() + refused.err());
        assertEquals("", refused.out());
        assertTrue(refused.err().contains("deny  Deployment comfyui/comfyui"), refused.err());
    }

    /** flux is not installed here: a stand-in prints the --path folder's YAML, as `flux build` prints the build. */
    @Test
    void fluxBuildPipedIntoCheck() throws Exception {
        String stub = """
                flux() {
                  path=""
                  while [ $# -gt 0 ]; do case "$1" in --path) path="$2"; shift 2;; *) shift;; esac; done
                  for f in "$path"/*.yaml; do printf -- '---\\n'; cat "$f"; done
                }
                set -e
                """;
        String block = blocks.get("flux").text();
        assertTrue(block.startsWith("flux build kustomization "), block);
        DocBlocks.Shell ok = run(stub + block, repo, Map.of());
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertTrue(ok.out().startsWith("allow Deployment comfyui/comfyui\n"), ok.out());
        breakWorkload();
        DocBlocks.Shell refused = run(stub + block, repo, Map.of());
        assertEquals(1, refused.exit(), refused.out() + refused.err());
    }
}
