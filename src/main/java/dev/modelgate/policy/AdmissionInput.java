package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What is being admitted, independent of how it arrived (an AdmissionReview or a manifest file).
 *
 * @param operation    CREATE, UPDATE, DELETE or CONNECT
 * @param group        API group of the object's kind ("" for core)
 * @param kind         the object's kind
 * @param subResource  e.g. {@code ephemeralcontainers}, or null
 * @param namespace    the request's namespace (for cluster-scoped objects, null)
 * @param object       the object after the change (null for DELETE)
 * @param oldObject    the object before the change (UPDATE and DELETE), else null
 * @param username     who asks
 * @param groups       the groups they are in
 */
public record AdmissionInput(String operation, String group, String kind, String subResource, String namespace,
        JsonNode object, JsonNode oldObject, String username, List<String> groups) {

    public AdmissionInput {
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    /** A CREATE of a manifest, as {@code modelgate check} sees every object. */
    public static AdmissionInput create(String group, String kind, String namespace, JsonNode object) {
        return new AdmissionInput("CREATE", group, kind, null, namespace, object, null, null, List.of());
    }

    /** An UPDATE from {@code oldObject} to {@code object} by {@code username} in {@code groups}. */
    public static AdmissionInput update(String group, String kind, String namespace, JsonNode object,
            JsonNode oldObject, String username, List<String> groups) {
        return new AdmissionInput("UPDATE", group, kind, null, namespace, object, oldObject, username, groups);
    }
}
