package dev.modelgate.api.crd;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;

/**
 * Puts printer columns back in the order the resource class declares them.
 *
 * <p>The generator sorts columns by JSON path, which would make {@code kubectl get} print Age first and
 * Ready after Source. The declaration order on the class is the intended one, so the class stays the only
 * source of truth.
 */
final class PrinterColumnOrder implements CRDPostProcessor {

    private final Map<String, Class<?>> classesByKind;

    PrinterColumnOrder(List<Class<? extends HasMetadata>> resourceClasses) {
        this.classesByKind = resourceClasses.stream()
                .collect(Collectors.toMap(HasMetadata::getKind, Function.identity()));
    }

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        if (!(crd instanceof CustomResourceDefinition definition)) {
            throw new IllegalStateException("expected an apiextensions.k8s.io/v1 CRD, got " + crd.getApiVersion());
        }
        Class<?> resourceClass = classesByKind.get(definition.getSpec().getNames().getKind());
        if (resourceClass == null) {
            return crd;
        }
        List<String> declared = Arrays.stream(resourceClass.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::jsonPath)
                .toList();
        Comparator<CustomResourceColumnDefinition> byDeclaration = Comparator.comparingInt(column -> {
            int index = declared.indexOf(column.getJsonPath());
            return index < 0 ? Integer.MAX_VALUE : index;
        });
        for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
            if (version.getAdditionalPrinterColumns() != null) {
                version.getAdditionalPrinterColumns().sort(byDeclaration);
            }
        }
        return crd;
    }
}
