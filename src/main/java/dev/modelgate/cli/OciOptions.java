package dev.modelgate.cli;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.OciRepository;
import dev.modelgate.oci.OciException;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oci.RegistryCredentials;
import dev.modelgate.policy.OciTrust;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options for commands that read an artifact from a registry ({@code approve oci://...}, {@code verify oci://...}). */
final class OciOptions {

    /** Also read by the CLI when the environment variable is unset (tests run the CLI in-process). */
    static final String INSECURE_PROPERTY = "modelgate.oci.insecure-registries";

    @Option(names = "--docker-config", paramLabel = "FILE",
            description = "With oci://: pull credentials, as a docker config.json or as the pull Secret itself "
                    + "(kubectl get secret NAME -o yaml; type kubernetes.io/dockerconfigjson). Only this file is read: "
                    + "no credential helpers, no ~/.docker.")
    Path dockerConfig;

    @Option(names = "--registry-ca", paramLabel = "CA.pem",
            description = "With oci://: trust the registry only through these PEM CAs (the source's caBundle) "
                    + "instead of the JVM trust store.")
    Path registryCa;

    /**
     * The docker config.json in {@code file}: the file itself, or the {@code .dockerconfigjson} of a Secret written by
     * {@code kubectl get secret -o yaml} (the form the cluster holds it in).
     */
    static byte[] dockerConfigBytes(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        com.fasterxml.jackson.databind.JsonNode node;
        try {
            node = ResourceYaml.MAPPER.readTree(raw);
        } catch (IOException e) {
            return raw; // not YAML or JSON: left to the config.json reader, which names the problem
        }
        if (node == null || !"Secret".equals(node.path("kind").asText())) {
            return raw;
        }
        String encoded = node.path("data").path(".dockerconfigjson").asText("");
        if (!encoded.isEmpty()) {
            try {
                return java.util.Base64.getMimeDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(file + ": data..dockerconfigjson of the Secret is not base64");
            }
        }
        String plain = node.path("stringData").path(".dockerconfigjson").asText("");
        if (!plain.isEmpty()) {
            return plain.getBytes(StandardCharsets.UTF_8);
        }
        throw new BadInputException(file + ": the Secret has no .dockerconfigjson (a pull Secret is of type "
                + "kubernetes.io/dockerconfigjson)");
    }

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

    /**
     * The client for {@code ref} as the cluster reaches it under {@code source} (null: no source given): the
     * reference must lie under one of the source's {@code spec.oci.repositories}, and that repository's caBundle is
     * the trust unless {@code --registry-ca} is given. Its pull Secret lives in the cluster, so credentials still
     * come from {@code --docker-config}; a note says so when the repository names one and none was given.
     */
    RegistryClient client(OciReference ref, ModelSource source, PrintWriter err, String command) {
        if (source == null) {
            return client(null);
        }
        String name = source.getMetadata().getName();
        OciRepository repository = OciTrust.repositoryFor(ref, source).orElseThrow(() -> new BadInputException(
                OciReference.SCHEME + ref + " is not under any of ModelSource " + name + "'s spec.oci.repositories "
                        + OciTrust.prefixes(source) + "; the cluster would refuse it: fix the reference or add its "
                        + "repository to the source"));
        if (repository.getPullSecret() != null && dockerConfig == null) {
            err.println("modelgate " + command + ": note: ModelSource " + name + " pulls " + repository.getPrefix()
                    + " with Secret " + repository.getPullSecret().getName() + "; give that Secret (kubectl get secret "
                    + repository.getPullSecret().getName() + " -o yaml) with --docker-config if the registry asks for "
                    + "credentials");
        }
        String ca = registryCa == null ? repository.getCaBundle() : null;
        return client(ca == null || ca.isBlank() ? null : ca);
    }

    /** {@code sourceCa}: the PEM of the source's repository, used when --registry-ca is not given. */
    private RegistryClient client(String sourceCa) {
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
            } else if (sourceCa != null) {
                s = s.withCaBundle(sourceCa);
            }
            if (dockerConfig != null) {
                s = s.withCredentials(RegistryCredentials.fromDockerConfig(dockerConfigBytes(dockerConfig)));
            }
            return new RegistryClient(s);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + (dockerConfig != null ? dockerConfig : registryCa) + ": "
                    + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(dockerConfig + ": " + e.getMessage());
        } catch (OciException e) {
            throw new BadInputException((registryCa != null ? registryCa.toString()
                    : "the ModelSource's spec.oci.repositories[].caBundle") + ": " + e.getMessage());
        }
    }
}
