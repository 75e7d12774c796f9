/**
 * The ModelGate custom resources, group {@code modelgate.dev}, version {@code v1alpha1}.
 *
 * <p>These classes are the source of the CRDs committed under {@code crds/}: every schema constraint,
 * CEL rule and description there comes from an annotation here. Patterns are written for RE2 (the
 * API server's regex engine), so they avoid look-arounds and back-references.
 */
package dev.modelgate.api.v1alpha1;
