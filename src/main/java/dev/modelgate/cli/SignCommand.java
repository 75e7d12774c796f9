package dev.modelgate.cli;

import dev.modelgate.integrity.EngineOptions;
import dev.modelgate.signing.Dsse;
import dev.modelgate.signing.EcKeys;
import dev.modelgate.signing.OmsBundle;
import dev.modelgate.signing.OmsException;
import dev.modelgate.signing.OmsSigner;
import dev.modelgate.signing.OmsStatement;
import dev.modelgate.signing.Pkcs11Key;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code modelgate sign DIR --key K | --pkcs11 CONFIG}: writes DIR/model.sig, an OpenSSF Model Signing bundle. */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = "Sign a model directory with an ECDSA private key: writes an OpenSSF Model Signing bundle "
                + "(DIR/model.sig by default) in the format model_signing writes and verifies.")
final class SignCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "The model directory.")
    Path dir;

    @Option(names = {"-k", "--key"}, paramLabel = "KEY",
            description = "PEM private key (from modelgate keygen, or any ECDSA P-256/P-384/P-521 key).")
    Path key;

    @Option(names = "--pkcs11", paramLabel = "CONFIG",
            description = "Sign with a key on a PKCS#11 token (HSM, SoftHSM2) through the JDK's SunPKCS11 provider, "
                    + "configured by this file (name, library, slot); instead of --key.")
    Path pkcs11;

    @Option(names = "--key-label", paramLabel = "LABEL",
            description = "With --pkcs11: the label of the private key on the token (default: its only key).")
    String keyLabel;

    @Option(names = "--pin-file", paramLabel = "FILE",
            description = "With --pkcs11: read the token's user PIN from the first line of FILE.")
    Path pinFile;

    @Option(names = "--pin-env", paramLabel = "VAR", defaultValue = "MODELGATE_PKCS11_PIN",
            description = "With --pkcs11: read the PIN from this environment variable (default: ${DEFAULT-VALUE}).")
    String pinEnv;

    @Option(names = "--signature", paramLabel = "PATH", description = "Where to write the bundle (default DIR/model.sig).")
    Path signature;

    @Option(names = "--ignore-paths", paramLabel = "PATH", split = ",",
            description = "Paths to leave out, relative to DIR (exact paths; a directory leaves out its subtree). "
                    + "Recorded in the bundle. .git, .gitignore, .gitattributes, .github, the bundle and huggingface_hub's "
                    + ".cache/huggingface are always left out, as approve does.")
    List<String> ignorePaths = new ArrayList<>();

    @Option(names = "--shards", description = "Shard serialization: hash every file in ranges of --shard-size bytes.")
    boolean shards;

    @Option(names = "--shard-size", paramLabel = "BYTES", defaultValue = "1000000000",
            description = "Bytes per shard with --shards (default: ${DEFAULT-VALUE}).")
    long shardSize;

    @Option(names = "--allow-symlinks",
            description = "Follow symbolic links that stay inside DIR (recorded); without it a link is refused.")
    boolean allowSymlinks;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Read the key's passphrase from the first line of FILE.")
    Path passphraseFile;

    @Option(names = "--passphrase-env", paramLabel = "VAR", defaultValue = Passphrases.DEFAULT_ENV,
            description = "Read the key's passphrase from this environment variable (default: ${DEFAULT-VALUE}).")
    String passphraseEnv;

    @Option(names = "--threads", paramLabel = "N", description = "Files hashed at once (default: processors).")
    Integer threads;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path bundle = signature != null ? signature : dir.resolve("model.sig");
        EngineOptions engine = EngineOptions.defaults();
        if (threads != null) {
            if (threads < 1) {
                throw new BadInputException("--threads must be at least 1");
            }
            engine = engine.withThreads(threads);
        }
        if (shards && shardSize <= 0) {
            throw new BadInputException("--shard-size must be positive");
        }
        OmsSigner.Options options;
        try {
            // The file set approve pins: huggingface_hub's .cache/huggingface/ is left out (and recorded) too.
            options = new OmsSigner.Options(shards, shards ? shardSize : 0, ModelFileSet.signIgnorePaths(dir,
                    VerifySignature.relativePaths(dir, ignorePaths)), allowSymlinks, engine);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--ignore-paths: " + e.getMessage());
        }
        if ((key == null) == (pkcs11 == null)) {
            throw new BadInputException("give exactly one of --key KEY.pem and --pkcs11 CONFIG");
        }
        if (pkcs11 == null && (keyLabel != null || pinFile != null)) {
            throw new BadInputException("--key-label and --pin-file go with --pkcs11");
        }
        try {
            PrivateKey privateKey;
            PublicKey publicKey;
            java.security.Provider provider = null;
            if (pkcs11 != null) {
                char[] pin = readPin();
                try {
                    Pkcs11Key token = Pkcs11Key.open(pkcs11, keyLabel, pin);
                    privateKey = token.key();
                    publicKey = token.publicKey();
                    provider = token.provider();
                } finally {
                    java.util.Arrays.fill(pin, '\0');
                }
            } else {
                privateKey = readKey();
                publicKey = EcKeys.publicOf(privateKey);
            }
            OmsStatement st = OmsSigner.statement(dir, bundle, options);
            byte[] json = OmsSigner.sign(st, privateKey, publicKey, provider);
            // Self-check: the bundle parses, names the key, and its signature verifies with the public half.
            OmsBundle parsed = OmsBundle.parse(json);
            if (!(parsed.material() instanceof OmsBundle.PublicKeyHint h) || !h.hint().equals(EcKeys.hint(publicKey))) {
                throw new IllegalStateException("the bundle written does not name the signing key");
            }
            java.security.Signature check = java.security.Signature.getInstance(EcKeys.curve(publicKey).jcaSignature());
            check.initVerify(publicKey);
            check.update(Dsse.pae(parsed.payloadType(), parsed.payload()));
            if (!check.verify(parsed.signature())) {
                throw new OmsException(dev.modelgate.integrity.Outcome.VERIFICATION_FAILED, "the signature made by "
                        + (pkcs11 != null ? "the token" : "the key") + " does not verify with its public key; "
                        + "nothing was written");
            }
            writeAtomically(bundle, json);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("signed %s: %d %s, key hint %s, bundle %s%n", dir, st.resources().size(),
                    shards ? "shards" : "files", EcKeys.hint(publicKey), bundle);
            out.flush();
            return 0;
        } catch (OmsException e) {
            spec.commandLine().getErr().println("modelgate sign: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return e.outcome().exitCode();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot verify ECDSA signatures", e);
        }
    }

    /** The token's user PIN: from a file's first line or an environment variable, never the command line. */
    private char[] readPin() {
        String pin;
        if (pinFile != null) {
            try {
                pin = Files.readString(pinFile, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            } catch (IOException e) {
                throw new BadInputException("--pin-file " + pinFile + ": cannot be read (" + e.getMessage() + ")");
            }
        } else {
            pin = Passphrases.environment.apply(pinEnv);
        }
        if (pin == null || pin.isEmpty()) {
            throw new BadInputException("--pkcs11 needs the token's PIN: give --pin-file FILE or set " + pinEnv);
        }
        return pin.toCharArray();
    }

    private PrivateKey readKey() {
        String pem;
        try {
            pem = Files.readString(key, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new BadInputException("--key " + key + ": no such file");
        } catch (IOException | RuntimeException e) {
            throw new BadInputException("--key " + key + ": cannot be read (" + e.getMessage() + ")");
        }
        char[] pass = null;
        if (EcKeys.isEncrypted(pem)) {
            pass = Passphrases.read(passphraseFile, passphraseEnv, false);
            if (pass == null) {
                throw new BadInputException("--key " + key + " is encrypted: give --passphrase-file FILE or set "
                        + passphraseEnv);
            }
        }
        try {
            return EcKeys.readPrivateKeyPem(pem, pass);
        } catch (OmsException e) {
            throw new BadInputException("--key " + key + ": " + e.getMessage());
        } finally {
            if (pass != null) {
                java.util.Arrays.fill(pass, '\0');
            }
        }
    }

    private static void writeAtomically(Path target, byte[] json) throws IOException {
        Path abs = target.toAbsolutePath();
        Path tmp = Files.createTempFile(abs.getParent(), ".model-sig-", ".tmp");
        try {
            Files.write(tmp, json);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
