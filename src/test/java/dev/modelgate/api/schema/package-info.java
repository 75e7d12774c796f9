/**
 * A stand-in for the API server's validation of custom resources, for tests without a cluster: schema
 * defaults, OpenAPI schema (networknt JSON Schema validator, RE2 patterns) and CEL rules (cel-java,
 * type-checked against the schema, evaluated at every node). Entry point: {@link dev.modelgate.api.schema.CommittedCrds}.
 */
package dev.modelgate.api.schema;
