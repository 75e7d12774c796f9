package dev.modelgate.cli;

import dev.modelgate.oci.OciException;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oci.RegistryCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options for commands that read an artifact from a registry ({@code approve oci://...}, {@code verify oci://...}). */
final class OciOptions {

    /** Also read by the CLI when the environment variable is unset (tests run the CLI in-process). */
    static final String INSECURE_PROPERTY = "modelgate.oci.insecure-registries";

    @Option(names = "--docker-config", paramLabel = "FILE",
            description = "With oci://: a docker config.json holding pull credentials (the .dockerconfigjson of a "
                    + "pull Secret). Only this file is read: no credential helpers, no ~/.docker.")
    Path dockerConfig;

    @Option(names = "--registry-ca", paramLabel = "CA.pem",
            description = "With oci://: trust the registry only through these PEM CAs (the source's caBundle) "
                    + "instead of the JVM trust store.")
    Path registryCa;

    /** True when the DIR argument is an {@code oci://} reference (the shell passes it through Path, which folds //). */
    static boolean isOci(Path dir) {
        return dir != null && dir.toString().startsWith("oci:");
    }

    /** The reference the user typed: {@code oci:/x} (how a Path holds {@code oci://x}) back to {@code oci://x}. */
    static OciReference reference(Path dir) {
        String s = dir.toString().substring("oci:".length());
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        try {
            return OciReference.parse(OciReference.SCHEME + s);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    RegistryClient client() {
        String insecure = System.getenv(RegistryClient.ENV_INSECURE);
        if (insecure == null) {
            insecure = System.getProperty(INSECURE_PROPERTY);
        }
        RegistryClient.Settings s;
        try {
            s = RegistryClient.Settings.fromEnvironment();
            s = new RegistryClient.Settings(null, RegistryClient.insecure(insecure), null, s.timeout(), s.maxRedirects());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        try {
            if (registryCa != null) {
                s = s.withCaBundle(Files.readString(registryCa, StandardCharsets.US_ASCII));
            }
            if (dockerConfig != null) {
                s = s.withCredentials(RegistryCredentials.fromDockerConfig(Files.readAllBytes(dockerConfig)));
            }
            return new RegistryClient(s);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + (dockerConfig != null ? dockerConfig : registryCa) + ": "
                    + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(dockerConfig + ": " + e.getMessage());
        } catch (OciException e) {
            throw new BadInputException(registryCa + ": " + e.getMessage());
        }
    }
}
