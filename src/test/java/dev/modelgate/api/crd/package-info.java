/** Generating the CRDs from the API classes, the same way for the drift test and for regeneration. */
package dev.modelgate.api.crd;
