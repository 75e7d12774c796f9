package dev.modelgate.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A trusted origin of models and the keys that may sign them. Cluster-scoped: it does not implement
 * {@code Namespaced}, so one platform team governs origins for every namespace.
 */
@Group(TrustedModel.GROUP)
@Version(TrustedModel.VERSION)
@Plural("modelsources")
@ShortNames("msrc")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = Type.STRING, getDescription = "Whether models from this source may be used")
@AdditionalPrinterColumn(name = "Keys", jsonPath = ".status.validKeys", type = Type.INTEGER,
        getDescription = "Signing keys currently valid")
@AdditionalPrinterColumn(name = "Models", jsonPath = ".status.models", type = Type.INTEGER, priority = 1,
        getDescription = "TrustedModels that name this source")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ModelSource extends CustomResource<ModelSourceSpec, ModelSourceStatus> {

    public ModelSource() {
    }

    // Overridden only to document the field and make it required in the schema.
    @Override
    @Required
    @JsonPropertyDescription("The trusted origin: download prefixes, TLS, signing trust and review.")
    public ModelSourceSpec getSpec() {
        return super.getSpec();
    }

    @Override
    @JsonPropertyDescription("Observed state, written by the operator.")
    public ModelSourceStatus getStatus() {
        return super.getStatus();
    }
}
