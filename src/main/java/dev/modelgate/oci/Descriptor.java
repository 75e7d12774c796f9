package dev.modelgate.oci;

import java.util.Map;

/** An OCI content descriptor: what a manifest says about one blob. */
public record Descriptor(String mediaType, String digest, long size, Map<String, String> annotations) {

    public Descriptor {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public String annotation(String key) {
        return annotations.get(key);
    }
}
