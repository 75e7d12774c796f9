/**
 * Tests of what ModelGate ships besides the code: the Helm chart, the plain manifests rendered from it,
 * the documentation's YAML and scripts.
 */
package dev.modelgate.delivery;
