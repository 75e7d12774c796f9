package dev.modelgate.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One approved model in a namespace: which source it comes from and the exact bytes of every file.
 *
 * <p>Printer columns are listed in the order {@code kubectl get} shows them; the drift test keeps that
 * order in {@code crds/} (the generator alone would sort them by JSON path).
 */
@Group(TrustedModel.GROUP)
@Version(TrustedModel.VERSION)
@Plural("trustedmodels")
@ShortNames("tm")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = Type.STRING, getDescription = "Whether pods may use the model")
@AdditionalPrinterColumn(name = "Source", jsonPath = ".spec.source", type = Type.STRING,
        getDescription = "The ModelSource the model comes from")
@AdditionalPrinterColumn(name = "Files", jsonPath = ".status.fileCount", type = Type.INTEGER,
        getDescription = "Number of files")
@AdditionalPrinterColumn(name = "Pods", jsonPath = ".status.pods", type = Type.INTEGER, priority = 1,
        getDescription = "Running pods that use the model")
@AdditionalPrinterColumn(name = "Exceptions", jsonPath = ".status.scanExceptions", type = Type.STRING,
        priority = 1, getDescription = "Reviewed scan exceptions (spec.scan)")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class TrustedModel extends CustomResource<TrustedModelSpec, TrustedModelStatus> implements Namespaced {

    public static final String GROUP = "modelgate.dev";
    public static final String VERSION = "v1alpha1";

    public TrustedModel() {
    }

    // Overridden only to document the field and make it required in the schema.
    @Override
    @Required
    @JsonPropertyDescription("The approved model: its source and its files.")
    public TrustedModelSpec getSpec() {
        return super.getSpec();
    }

    @Override
    @JsonPropertyDescription("Observed state, written by the operator.")
    public TrustedModelStatus getStatus() {
        return super.getStatus();
    }
}
