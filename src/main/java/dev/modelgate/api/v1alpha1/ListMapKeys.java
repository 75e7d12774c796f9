package dev.modelgate.api.v1alpha1;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a list whose elements are unique by the given keys: the CRD says {@code x-kubernetes-list-type: map}
 * with these {@code x-kubernetes-list-map-keys}.
 *
 * <p>The API server then refuses duplicate keys itself (at no CEL cost, where a quadratic uniqueness rule can
 * exceed its cost budget) and server-side apply merges the list element by element. The keys must be required
 * fields of the element. The Fabric8 generator has no annotation for this; the CRD generation applies it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface ListMapKeys {

    /** The element fields that identify an element. */
    String[] value();
}
