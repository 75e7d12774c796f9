/** Committed files the API tests read (crds/, docs/examples/) and YAML helpers for comparing them. */
package dev.modelgate.api.files;
