package dev.modelgate.cli;

import dev.modelgate.signing.EcKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code modelgate keygen}: an ECDSA key pair for {@code modelgate sign}, private key encrypted by default. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Generate an ECDSA signing key pair (P-256 by default) for OpenSSF Model Signing bundles: "
                + "PREFIX.pem (private, PKCS#8 encrypted with a passphrase unless --no-passphrase) and "
                + "PREFIX-pub.pem (public, for ModelSource.spec.signing.keys and modelgate verify --key).")
final class KeygenCommand implements Callable<Integer> {

    @Option(names = {"-o", "--out"}, paramLabel = "PREFIX", defaultValue = "signing-key",
            description = "Write PREFIX.pem and PREFIX-pub.pem (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--curve", paramLabel = "CURVE", defaultValue = "p256",
            description = "p256 (default), p384 or p521.")
    String curve;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Read the passphrase from the first line of FILE.")
    Path passphraseFile;

    @Option(names = "--passphrase-env", paramLabel = "VAR", defaultValue = Passphrases.DEFAULT_ENV,
            description = "Read the passphrase from this environment variable (default: ${DEFAULT-VALUE}).")
    String passphraseEnv;

    @Option(names = "--no-passphrase",
            description = "Write the private key UNENCRYPTED (only for keys kept in a secret store or HSM import).")
    boolean noPassphrase;

    @Option(names = "--force", description = "Overwrite existing key files.")
    boolean force;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        EcKeys.Curve c;
        try {
            c = EcKeys.Curve.parse(curve);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        if (noPassphrase && passphraseFile != null) {
            throw new BadInputException("--no-passphrase and --passphrase-file contradict each other");
        }
        char[] pass = null;
        if (!noPassphrase) {
            pass = Passphrases.read(passphraseFile, passphraseEnv, true);
            if (pass == null) {
                throw new BadInputException("the private key is encrypted with a passphrase: give --passphrase-file "
                        + "FILE or set " + passphraseEnv + " (or --no-passphrase to write it unencrypted)");
            }
        }
        Path priv = Path.of(prefix + ".pem");
        Path pub = Path.of(prefix + "-pub.pem");
        if (!force) {
            for (Path p : new Path[] {priv, pub}) {
                if (Files.exists(p)) {
                    throw new BadInputException(p + ": exists already; choose another --out or give --force");
                }
            }
        }
        KeyPair kp = EcKeys.generate(c);
        String privPem = EcKeys.privateKeyPem(kp.getPrivate(), pass, EcKeys.PBKDF2_ITERATIONS);
        if (pass != null) {
            java.util.Arrays.fill(pass, '\0');
        }
        writePrivate(priv, privPem);
        Files.writeString(pub, EcKeys.publicKeyPem(kp.getPublic()), StandardCharsets.US_ASCII);
        PrintWriter out = spec.commandLine().getOut();
        if (noPassphrase) {
            spec.commandLine().getErr().println("WARNING: " + priv + " holds the private key UNENCRYPTED; anyone "
                    + "who can read the file can sign models as you");
            spec.commandLine().getErr().flush();
        }
        out.printf("private key: %s (%s, %s)%n", priv, c.displayName(), noPassphrase ? "NOT encrypted"
                : "encrypted: PKCS#8, PBKDF2-HMAC-SHA256, AES-256-CBC");
        out.printf("public key:  %s%n", pub);
        out.printf("key hint:    %s%n", EcKeys.hint(kp.getPublic()));
        out.flush();
        return 0;
    }

    /** Owner-only permissions from the first byte where the file system allows it. */
    private void writePrivate(Path priv, String pem) throws IOException {
        if (force) {
            Files.deleteIfExists(priv);
        }
        try {
            try {
                Files.createFile(priv, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(priv);
            }
        } catch (FileAlreadyExistsException e) {
            throw new BadInputException(priv + ": exists already; choose another --out or give --force");
        }
        Files.writeString(priv, pem, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
