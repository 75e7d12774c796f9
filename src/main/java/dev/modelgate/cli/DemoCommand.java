package dev.modelgate.cli;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.ModelSourceSpec;
import dev.modelgate.policy.PlanBuilder;
import dev.modelgate.policy.PlanSettings;
import dev.modelgate.policy.VerificationPlan;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code modelgate demo}: the whole onboarding-and-verification story on an embedded model folder, through
 * the same commands a user runs. Exits 0 only when every step behaves as promised.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Build a small ComfyUI-style model folder in a temporary directory, approve it, verify it, "
                + "then tamper with it (one flipped byte, a stray file, a rename) and show each refusal.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--keep", description = "Keep the temporary directory and print where it is.")
    boolean keep;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private PrintWriter out;
    private int failures;

    @Override
    public Integer call() throws IOException {
        out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("modelgate-demo-");
        try {
            run(work);
        } finally {
            if (keep) {
                out.println("\n(kept " + work + ")");
            } else {
                deleteTree(work);
            }
        }
        out.println();
        out.println(failures == 0 ? "demo: every step behaved as expected"
                : "demo: " + failures + " step(s) did NOT behave as expected");
        out.flush();
        return failures == 0 ? 0 : 1;
    }

    private void run(Path work) throws IOException {
        Path models = work.resolve("models");
        Path checkpoint = models.resolve("checkpoints/tiny-sdxl.safetensors");
        writeSafetensors(checkpoint, 256 * 1024, 1);
        writeSafetensors(models.resolve("vae/tiny-vae.safetensors"), 64 * 1024, 2);
        writeSafetensors(models.resolve("loras/film-grain.safetensors"), 16 * 1024, 3);
        Path yaml = work.resolve("tiny-sdxl.yaml");

        step("1. A model folder as a platform team received it (ComfyUI layout)");
        try (Stream<Path> files = Files.walk(models)) {
            files.filter(Files::isRegularFile).sorted()
                    .forEach(p -> out.printf("   %-40s %8d bytes%n", models.relativize(p), p.toFile().length()));
        }

        step("2. modelgate approve: the TrustedModel to commit to Git");
        Run approve = cli("approve", models.toString(), "--name", "tiny-sdxl", "--source", "example-hub",
                "--namespace", "comfyui", "--url-prefix", "https://models.example.com/tiny-sdxl",
                "--output", yaml.toString());
        expect(approve, 0);
        Files.readAllLines(yaml).forEach(l -> out.println("   " + l));

        step("3. modelgate verify: the folder is exactly the approved model");
        expect(cli("verify", models.toString(), "--model", yaml.toString()), 0);

        step("4. One byte of the checkpoint flipped on the volume");
        byte[] original = Files.readAllBytes(checkpoint);
        byte[] tampered = original.clone();
        tampered[tampered.length / 2] ^= 0x01;
        Files.write(checkpoint, tampered);
        expect(cli("verify", models.toString(), "--model", yaml.toString()), 1);
        Files.write(checkpoint, original);

        step("5. A stray file dropped next to the approved ones (ComfyUI would load it)");
        Path stray = models.resolve("checkpoints/free-upgrade.ckpt");
        Files.write(stray, "not approved".getBytes(StandardCharsets.US_ASCII));
        expect(cli("verify", models.toString(), "--model", yaml.toString()), 1);
        Files.delete(stray);

        step("6. An approved file renamed (same bytes, other path)");
        Path renamed = models.resolve("loras/film-grain-v2.safetensors");
        Files.move(models.resolve("loras/film-grain.safetensors"), renamed);
        expect(cli("verify", models.toString(), "--model", yaml.toString()), 1);
        Files.move(renamed, models.resolve("loras/film-grain.safetensors"));

        step("7. Restored: verification passes again (JSON output, as the verifier writes it)");
        expect(cli("verify", models.toString(), "--model", yaml.toString(), "--json"), 0);

        step("8. The verifier init-container: the plan the webhook embeds, checked by verify-pod");
        // Also puts verify-pod's classes into the class-data sharing archive the build dumps from this demo.
        ModelSource origin = new ModelSource();
        origin.setMetadata(new ObjectMeta());
        origin.getMetadata().setName("example-hub");
        origin.setSpec(new ModelSourceSpec());
        origin.getSpec().setUrls(List.of("https://models.example.com/tiny-sdxl"));
        VerificationPlan plan = PlanBuilder.build(TrustedModelFiles.read(List.of(yaml)), Map.of("example-hub", origin),
                PlanSettings.defaults().withRoot(models.toString()));
        Path planFile = work.resolve("plan.json");
        Files.writeString(planFile, plan.toJson(), StandardCharsets.UTF_8);
        expect(cli("verify-pod", "--plan-file", planFile.toString(), "--plan-sha256", plan.sha256(),
                "--termination-log", work.resolve("termination-log").toString()), 0);
    }

    private record Run(int exitCode, String out, String err) {
    }

    private Run cli(String... args) {
        out.println("   $ modelgate " + String.join(" ", args).replace(System.getProperty("java.io.tmpdir"), "$TMP"));
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cl = ModelGateCli.commandLine();
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(e, true));
        int code = cl.execute(args);
        for (String line : (o.toString() + e).split("\n")) {
            if (!line.isBlank()) {
                out.println("   " + line);
            }
        }
        return new Run(code, o.toString(), e.toString());
    }

    private void expect(Run run, int wanted) {
        boolean good = run.exitCode() == wanted;
        out.printf("   -> exit %d %s%n", run.exitCode(), good ? "(as expected)" : "(UNEXPECTED: wanted " + wanted + ")");
        if (!good) {
            failures++;
        }
    }

    private void step(String title) {
        out.println();
        out.println(title);
    }

    /** A small but well-formed safetensors file: 8-byte header length, JSON header, one F32 tensor. */
    static void writeSafetensors(Path p, int dataBytes, long seed) throws IOException {
        String header = "{\"weight\":{\"dtype\":\"F32\",\"shape\":[" + (dataBytes / 4) + "],\"data_offsets\":[0,"
                + dataBytes + "]},\"__metadata__\":{\"format\":\"pt\"}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        byte[] file = new byte[8 + h.length + dataBytes];
        long len = h.length;
        for (int i = 0; i < 8; i++) {
            file[i] = (byte) (len >>> (8 * i));
        }
        System.arraycopy(h, 0, file, 8, h.length);
        byte[] data = new byte[dataBytes];
        new Random(seed).nextBytes(data);
        System.arraycopy(data, 0, file, 8 + h.length, dataBytes);
        Files.createDirectories(p.getParent());
        Files.write(p, file);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
