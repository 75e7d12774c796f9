package dev.modelgate.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;

/** Namespaces the tests need. */
public final class Namespaces {

    private Namespaces() {
    }

    /** Creates the namespace unless it exists (labels untouched when it does). */
    public static void ensure(ControlPlane cluster, String name) {
        if (cluster.client().namespaces().withName(name).get() == null) {
            cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                    .create();
        }
    }

    /** Creates an opted-in namespace with the given mode. */
    public static void optedIn(ControlPlane cluster, String name, String mode) {
        cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                .addToLabels("modelgate.dev/enforce", "true").addToLabels("modelgate.dev/mode", mode).endMetadata().build())
                .serverSideApply();
    }
}
