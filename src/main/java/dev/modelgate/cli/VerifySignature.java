package dev.modelgate.cli;

import dev.modelgate.api.v1alpha1.CertificateIdentity;
import dev.modelgate.api.v1alpha1.CertificateTrust;
import dev.modelgate.api.v1alpha1.KeylessIdentity;
import dev.modelgate.api.v1alpha1.KeylessTrust;
import dev.modelgate.integrity.EngineOptions;
import dev.modelgate.integrity.FileResult;
import dev.modelgate.integrity.Finding;
import dev.modelgate.signing.CertificateVerifier;
import dev.modelgate.signing.EcKeys;
import dev.modelgate.signing.IgnorePolicy;
import dev.modelgate.signing.KeylessVerifier;
import dev.modelgate.signing.OmsException;
import dev.modelgate.signing.SignaturePolicy;
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
 * {@code modelgate verify DIR --key PUB.pem | --cert-root CA.pem | --identity ID --issuer URL}: the direct form for
 * people coming from the model_signing CLI. Every key given is trusted without a validity window; the bundle's own
 * {@code ignore_paths} are honoured, as model_signing does. The policy form ({@code --model --source}) applies a
 * {@code ModelSource}'s signing policy instead ({@link VerifyPolicy}).
 */
final class VerifySignature {

    private VerifySignature() {
    }

    /** What the direct form trusts, from the command line. */
    record Trust(List<Path> keyFiles, List<Path> certRoots, List<String> identities, String issuer, Path trustedRoot,
            boolean legacyV02) {
        boolean any() {
            return !keyFiles.isEmpty() || !certRoots.isEmpty() || issuer != null || trustedRoot != null;
        }
    }

    static int run(CommandLine cl, Path model, Trust trust, Path signature, List<String> ignorePaths,
            EngineOptions engine, boolean json) {
        SignaturePolicy policy = policy(trust).withEngine(engine).withLegacyV02(trust.legacyV02());
        boolean file = Files.isRegularFile(model);
        Path bundle = signature != null ? signature
                : (file ? model.toAbsolutePath().getParent().resolve("model.sig") : model.resolve("model.sig"));
        try {
            policy = policy.withIgnore(IgnorePolicy.honourSigner(relativePaths(model, ignorePaths)));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--ignore-paths: " + e.getMessage());
        }
        SignatureVerification v = policy.verify(model, bundle);
        print(cl, model, v, json);
        return v.exitCode();
    }

    private static SignaturePolicy policy(Trust t) {
        List<TrustedKey> keys = new ArrayList<>();
        for (Path k : t.keyFiles()) {
            String pem = readText("--key", k);
            try {
                String name = k.getFileName().toString();
                if (keys.stream().anyMatch(x -> x.name().equals(name))) {
                    throw new BadInputException("--key " + k + ": two keys with the same file name");
                }
                keys.add(TrustedKey.of(name, EcKeys.readPublicKeyPem(pem)));
            } catch (OmsException e) {
                throw new BadInputException("--key " + k + ": " + e.getMessage());
            }
        }
        SignaturePolicy policy = SignaturePolicy.ofKeys(keys, Clock.systemUTC());
        boolean keyless = t.issuer() != null || t.trustedRoot() != null;
        if (!t.certRoots().isEmpty()) {
            StringBuilder pem = new StringBuilder();
            for (Path r : t.certRoots()) {
                pem.append(readText("--cert-root", r)).append('\n');
            }
            CertificateTrust ct = new CertificateTrust();
            ct.setRoots(pem.toString());
            if (!keyless) {
                for (String id : t.identities()) {
                    // A distinguished name has '='; anything else is a subject alternative name.
                    ct.getIdentities().add(id.contains("=") ? new CertificateIdentity(id, null)
                            : new CertificateIdentity(null, id));
                }
            }
            try {
                policy = policy.withCertificates(CertificateVerifier.fromApi(ct));
            } catch (OmsException e) {
                throw new BadInputException("--cert-root: " + e.getMessage());
            }
        }
        if (keyless) {
            if (t.issuer() == null || t.identities().isEmpty()) {
                throw new BadInputException("keyless verification needs --identity SAN and --issuer URL (the OIDC "
                        + "issuer): any identity at all would trust every Sigstore user");
            }
            KeylessTrust kt = new KeylessTrust();
            for (String id : t.identities()) {
                kt.getIdentities().add(new KeylessIdentity(id, t.issuer()));
            }
            if (t.trustedRoot() != null) {
                kt.setTrustedRoot(readText("--trusted-root", t.trustedRoot()));
            }
            try {
                policy = policy.withKeyless(KeylessVerifier.fromApi(kt));
            } catch (OmsException e) {
                throw new BadInputException((t.trustedRoot() == null ? "" : "--trusted-root " + t.trustedRoot()
                        + ": ") + e.getMessage());
            }
        } else if (!t.identities().isEmpty() && t.certRoots().isEmpty()) {
            throw new BadInputException("--identity goes with --cert-root (certificate chains) or --issuer (keyless)");
        }
        return policy;
    }

    static String readText(String option, Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadInputException(option + " " + p + ": no such file");
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(option + " " + p + ": cannot be read (" + e.getMessage() + ")");
        }
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
            if (v.signer() != null) {
                s.put("signer", v.signer().kind());
            }
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
