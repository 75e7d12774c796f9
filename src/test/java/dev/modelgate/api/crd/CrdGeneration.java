package dev.modelgate.api.crd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import io.fabric8.crdv2.generator.CRDGenerationInfo;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** Runs the Fabric8 CRD generator (v2) over ModelGate's custom resources, the one way CRDs are produced. */
public final class CrdGeneration {

    /** Every custom resource class whose CRD is committed under {@code crds/}. */
    public static final List<Class<? extends HasMetadata>> RESOURCES = List.of(TrustedModel.class, ModelSource.class);

    private CrdGeneration() {
    }

    /** Generates the CRDs into {@code dir}; returns the generated files by file name. */
    public static Map<String, Path> generateInto(Path dir) throws IOException {
        Files.createDirectories(dir);
        CRDGenerationInfo info = new CRDGenerator()
                .customResourceClasses(RESOURCES)
                .forCRDVersions("v1")
                // the generator takes one post-processor: chain ours
                .withPostProcessor(new CRDPostProcessor() {
                    @Override
                    public HasMetadata process(HasMetadata crd, String version) {
                        return new ListMapKeysProcessor(RESOURCES)
                                .process(new PrinterColumnOrder(RESOURCES).process(crd, version), version);
                    }
                })
                .inOutputDir(dir.toFile())
                .detailedGenerate();
        Map<String, Path> generated = new TreeMap<>();
        info.getCRDDetailsPerNameAndVersion().values().stream()
                .flatMap(perVersion -> perVersion.values().stream())
                .map(details -> Path.of(details.getFilePath()))
                .forEach(file -> generated.put(file.getFileName().toString(), file));
        return generated;
    }
}
