package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Applies the JSON Patch operations {@link PodPolicy} writes ({@code add} of a member or at the end of an array,
 * {@code remove} of an array element or a member) to an object in place: enough to judge a workload template as
 * its pods will be after mutation, without a general patch library in the policy package.
 */
final class Patches {

    private Patches() {
    }

    static void apply(ObjectNode root, ArrayNode ops) {
        for (JsonNode op : ops) {
            String path = op.path("path").asText();
            int slash = path.lastIndexOf('/');
            JsonNode parent = root.at(path.substring(0, slash));
            String last = path.substring(slash + 1).replace("~1", "/").replace("~0", "~");
            boolean add = "add".equals(op.path("op").asText());
            if (parent instanceof ArrayNode a) {
                if (add && last.equals("-")) {
                    a.add(op.get("value"));
                } else if (add) {
                    a.insert(Integer.parseInt(last), op.get("value"));
                } else {
                    a.remove(Integer.parseInt(last));
                }
            } else if (parent instanceof ObjectNode o) {
                if (add) {
                    o.set(last, op.get("value"));
                } else {
                    o.remove(last);
                }
            } else {
                throw new IllegalArgumentException("no object or array at " + path.substring(0, slash));
            }
        }
    }
}
