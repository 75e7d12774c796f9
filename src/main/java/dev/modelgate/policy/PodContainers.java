package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The containers of a raw pod spec, in the order init-containers, containers, ephemeral containers, each with the
 * word messages use for it. Read from the JSON the API server sent, so fields the typed model lacks still count.
 */
final class PodContainers {

    /** One container: which list it is in, its index there and its raw JSON. */
    record Ref(String list, String what, int index, JsonNode node) {
        String name() {
            return node.path("name").asText();
        }

        boolean isInit() {
            return list.equals("initContainers");
        }
    }

    static final List<String> LISTS = List.of("initContainers", "containers", "ephemeralContainers");
    private static final List<String> WHAT = List.of("init-container", "container", "ephemeral container");

    private PodContainers() {
    }

    static List<Ref> all(JsonNode spec) {
        List<Ref> out = new ArrayList<>(8);
        for (int l = 0; l < LISTS.size(); l++) {
            JsonNode list = spec.path(LISTS.get(l));
            for (int i = 0; i < list.size(); i++) {
                out.add(new Ref(LISTS.get(l), WHAT.get(l), i, list.get(i)));
            }
        }
        return out;
    }

    /**
     * The index of the verifier among the init-containers: the last one, named {@link PodContract#INIT_CONTAINER_NAME}
     * and mounting the model volume first (the shape the mutation writes; {@link VerifierRules} checks the rest).
     * -1 when there is none, or when {@code modelVolume} is null (the pod declares no models).
     */
    static int verifierIndex(JsonNode spec, String modelVolume) {
        JsonNode inits = spec.path("initContainers");
        int last = inits.size() - 1;
        if (modelVolume == null || last < 0) {
            return -1;
        }
        JsonNode c = inits.get(last);
        return PodContract.INIT_CONTAINER_NAME.equals(c.path("name").asText())
                && modelVolume.equals(c.path("volumeMounts").path(0).path("name").asText()) ? last : -1;
    }

    /** Whether {@code ref} is the verifier found by {@link #verifierIndex}. */
    static boolean isVerifier(Ref ref, int verifierIndex) {
        return ref.isInit() && ref.index() == verifierIndex;
    }

    /** The pod volume of that name, or a missing node. */
    static JsonNode volume(JsonNode spec, String name) {
        for (JsonNode v : spec.path("volumes")) {
            if (name.equals(v.path("name").asText())) {
                return v;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /**
     * A mount path as the kernel resolves it lexically: repeated and trailing slashes dropped, "." and ".." applied
     * ("/a/./b//c/../" is "/a/b"). Symbolic links inside the image cannot be seen at admission.
     */
    static String normalise(String path) {
        if (path == null) {
            return "";
        }
        if (path.indexOf("//") < 0 && path.indexOf("/.") < 0 && !path.endsWith("/") && path.startsWith("/")) {
            return path; // the usual case, no allocation
        }
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else {
                parts.add(p);
            }
        }
        return "/" + String.join("/", parts);
    }

    /** Whether {@code path} is {@code folder} or lies inside it (both normalised). */
    static boolean atOrInside(String path, String folder) {
        if (folder.equals("/")) {
            return true;
        }
        return path.equals(folder) || (path.startsWith(folder) && path.charAt(folder.length()) == '/');
    }
}
