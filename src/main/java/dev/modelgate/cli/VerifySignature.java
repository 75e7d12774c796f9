package dev.modelgate.cli;

import dev.modelgate.integrity.EngineOptions;
import dev.modelgate.integrity.FileResult;
import dev.modelgate.integrity.Finding;
import dev.modelgate.signing.EcKeys;
import dev.modelgate.signing.IgnorePolicy;
import dev.modelgate.signing.KeyTrust;
import dev.modelgate.signing.KeyVerifier;
import dev.modelgate.signing.OmsException;
import dev.modelgate.signing.SignatureVerification;
import dev.modelgate.signing.TrustedKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * {@code modelgate verify DIR --key PUB.pem}: the direct form for people coming from the model_signing CLI.
 * Every key given is trusted without a validity window; the bundle's own {@code ignore_paths} are honoured, as
 * model_signing does. The policy form ({@code --model --source}) applies a {@code ModelSource}'s keys instead.
 */
final class VerifySignature {

    private VerifySignature() {
    }

    static int run(CommandLine cl, Path model, List<Path> keyFiles, Path signature, List<String> ignorePaths,
            EngineOptions engine, boolean json) {
        List<TrustedKey> keys = new ArrayList<>();
        for (Path k : keyFiles) {
            String pem;
            try {
                pem = Files.readString(k, StandardCharsets.US_ASCII);
            } catch (NoSuchFileException e) {
                throw new BadInputException("--key " + k + ": no such file");
            } catch (IOException | RuntimeException e) {
                throw new BadInputException("--key " + k + ": cannot be read (" + e.getMessage() + ")");
            }
            try {
                String name = k.getFileName().toString();
                if (keys.stream().anyMatch(t -> t.name().equals(name))) {
                    throw new BadInputException("--key " + k + ": two keys with the same file name");
                }
                keys.add(TrustedKey.of(name, EcKeys.readPublicKeyPem(pem)));
            } catch (OmsException e) {
                throw new BadInputException("--key " + k + ": " + e.getMessage());
            }
        }
        boolean file = Files.isRegularFile(model);
        Path bundle = signature != null ? signature
                : (file ? model.toAbsolutePath().getParent().resolve("model.sig") : model.resolve("model.sig"));
        IgnorePolicy policy;
        try {
            policy = IgnorePolicy.honourSigner(relativePaths(model, ignorePaths));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--ignore-paths: " + e.getMessage());
        }
        SignatureVerification v = new KeyVerifier(new KeyTrust(keys, Clock.systemUTC()), policy, engine)
                .verify(model, bundle);
        print(cl, model, v, json);
        return v.exitCode();
    }

    static void print(CommandLine cl, Path model, SignatureVerification v, boolean json) {
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        if (json) {
            if (v.report() != null) {
                for (FileResult f : v.report().files()) {
                    out.println(Json.fileLine(f));
                }
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("event", "summary");
            s.put("result", v.ok() ? "ok" : "failed");
            s.put("exitCode", v.exitCode());
            s.put("signature", "oms");
            s.put("key", v.keyName());
            if (v.statement() != null) {
                s.put("serialization", v.statement().serialization().method());
                s.put("resources", v.statement().resources().size());
                s.put("subjectDigest", "sha256:" + v.statement().subjectDigest());
            }
            s.put("ignored", v.ignored());
            if (!v.ok()) {
                s.put("reason", v.message());
            }
            out.println(Json.line(s));
            out.flush();
            return;
        }
        if (v.ok()) {
            out.printf("verified %s: %s%s%n", model, v.message(), v.ignored().isEmpty() ? ""
                    : "; not checked: " + String.join(", ", v.ignored()));
            out.flush();
            return;
        }
        if (v.report() != null) {
            for (Finding f : v.report().findings()) {
                err.println("FAIL " + f.message());
            }
        }
        err.printf("modelgate verify: %s (exit %d)%n", v.message(), v.exitCode());
        err.flush();
    }

    /**
     * Ignore paths as model_signing takes them: relative to the model root, or absolute inside it. Commas
     * split (picocli), blanks are refused, a trailing '/' is dropped.
     */
    static List<String> relativePaths(Path model, List<String> given) {
        List<String> out = new ArrayList<>();
        Path root = model.toAbsolutePath().normalize();
        for (String g : given) {
            String p = g.strip();
            if (p.isEmpty()) {
                throw new BadInputException("--ignore-paths: an empty path");
            }
            Path gp = Path.of(p);
            if (gp.isAbsolute()) {
                Path n = gp.normalize();
                if (!n.startsWith(root) || n.equals(root)) {
                    throw new BadInputException("--ignore-paths: " + p + " is not inside " + model);
                }
                p = root.relativize(n).toString().replace(n.getFileSystem().getSeparator(), "/");
            }
            while (p.endsWith("/") && p.length() > 1) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.startsWith("./")) {
                p = p.substring(2);
            }
            out.add(p);
        }
        return out;
    }
}
