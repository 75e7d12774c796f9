package dev.modelgate.api.crd;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.modelgate.api.v1alpha1.ListMapKeys;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.CustomResource;

/**
 * Writes {@code x-kubernetes-list-type: map} and {@code x-kubernetes-list-map-keys} for every list field
 * annotated {@link ListMapKeys}, walking the schema alongside the resource's spec and status classes.
 *
 * <p>The Fabric8 generator has no annotation for list types, and its merge-patch schema customizer replaces
 * whole property maps, so the keys are applied here, after generation. A key that is not a required field of
 * the element fails generation: the API server would refuse such a CRD.
 */
final class ListMapKeysProcessor implements CRDPostProcessor {

    private final Map<String, Class<?>> classesByKind;

    ListMapKeysProcessor(List<Class<? extends HasMetadata>> resourceClasses) {
        this.classesByKind = resourceClasses.stream()
                .collect(Collectors.toMap(HasMetadata::getKind, Function.identity()));
    }

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        CustomResourceDefinition definition = (CustomResourceDefinition) crd;
        Class<?> resourceClass = classesByKind.get(definition.getSpec().getNames().getKind());
        if (resourceClass == null) {
            return crd;
        }
        Type[] specAndStatus = ((ParameterizedType) resourceClass.getGenericSuperclass()).getActualTypeArguments();
        if (!(resourceClass.getSuperclass() == CustomResource.class) || specAndStatus.length != 2) {
            throw new IllegalStateException(resourceClass + " is not a CustomResource<Spec, Status>");
        }
        for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
            Map<String, JSONSchemaProps> root = version.getSchema().getOpenAPIV3Schema().getProperties();
            apply(root.get("spec"), (Class<?>) specAndStatus[0], "spec");
            apply(root.get("status"), (Class<?>) specAndStatus[1], "status");
        }
        return crd;
    }

    private static void apply(JSONSchemaProps schema, Class<?> type, String path) {
        if (schema == null || schema.getProperties() == null || !type.getPackageName().startsWith("dev.modelgate.")) {
            return;
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                JSONSchemaProps property = schema.getProperties().get(field.getName());
                if (property == null || Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                String fieldPath = path + "." + field.getName();
                if (List.class.isAssignableFrom(field.getType())) {
                    Class<?> element = (Class<?>) ((ParameterizedType) field.getGenericType()).getActualTypeArguments()[0];
                    ListMapKeys keys = field.getAnnotation(ListMapKeys.class);
                    if (keys != null) {
                        List<String> required = property.getItems().getSchema().getRequired();
                        for (String key : keys.value()) {
                            if (required == null || !required.contains(key)) {
                                throw new IllegalStateException(fieldPath + ": list-map key '" + key
                                        + "' must be a required field of " + element.getSimpleName());
                            }
                        }
                        property.setXKubernetesListType("map");
                        property.setXKubernetesListMapKeys(Arrays.asList(keys.value()));
                    }
                    apply(property.getItems().getSchema(), element, fieldPath + "[]");
                } else {
                    apply(property, field.getType(), fieldPath);
                }
            }
        }
    }
}
