package dev.modelgate.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.integrity.ModelPath;
import dev.modelgate.integrity.Sha256;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The in-toto statement an OMS bundle signs (OMS spec v1.0): one subject whose digest is the SHA-256 of the
 * concatenated resource digests, and a predicate listing every file (or shard) with its digest plus the
 * serialization that produced them. Parsing fails closed on anything unknown.
 *
 * @param subjectName   informational (the model directory's name)
 * @param subjectDigest the root digest as signed (hex)
 * @param serialization how the resources were produced
 * @param resources     in the order they were signed
 */
public record OmsStatement(String subjectName, String subjectDigest, Serialization serialization,
        List<Resource> resources) {

    public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
    public static final String PREDICATE_TYPE = "https://model_signing/signature/v1.0";
    /** model_signing v0.2.0: digests as subjects, signed over a buggy PAE. Accepted only behind the legacy switch. */
    public static final String LEGACY_PREDICATE_TYPE = "https://model_signing/Digests/v0.1";
    public static final String FILES = "files";
    public static final String SHARDS = "shards";
    public static final String SHA256 = "sha256";

    /** What OMS defines but ModelGate does not compute yet: refused with a sentence saying so. */
    private static final Set<String> KNOWN_UNSUPPORTED_HASHES = Set.of("blake2b", "blake3");
    private static final Set<String> SERIALIZATION_KEYS = Set.of("method", "hash_type", "allow_symlinks",
            "shard_size", "ignore_paths");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public OmsStatement {
        resources = List.copyOf(resources);
    }

    /**
     * @param method        {@link #FILES} or {@link #SHARDS}
     * @param hashType      {@link #SHA256} (the only one implemented)
     * @param allowSymlinks whether the signer followed symbolic links
     * @param shardSize     bytes per shard, null for files
     * @param ignorePaths   paths the signer left out, relative to the model root; null when not recorded
     */
    public record Serialization(String method, String hashType, boolean allowSymlinks, Long shardSize,
            List<String> ignorePaths) {
        public Serialization {
            ignorePaths = ignorePaths == null ? null : List.copyOf(ignorePaths);
        }

        public boolean shards() {
            return SHARDS.equals(method);
        }

        /** The resource algorithm the reference implementation writes: {@code sha256-sharded-N} for shards. */
        public String resourceAlgorithm() {
            return shards() ? hashType + "-sharded-" + shardSize : hashType;
        }
    }

    /**
     * One signed entry. For shards, {@code name} is {@code path:start:end} and {@link #path()}, {@link #start()},
     * {@link #end()} give its parts; for files, start and end are -1.
     */
    public record Resource(String name, String algorithm, String digest, String path, long start, long end) {
        public static Resource file(String path, String algorithm, String digest) {
            return new Resource(path, algorithm, digest, path, -1, -1);
        }

        public static Resource shard(String path, long start, long end, String algorithm, String digest) {
            return new Resource(path + ":" + start + ":" + end, algorithm, digest, path, start, end);
        }
    }

    // ---- reading ----

    /** Parses the signed payload. Format problems are bad input; nothing here judges trust. */
    public static OmsStatement parse(byte[] payload) throws OmsException {
        return parse(payload, false);
    }

    /** The sentence a v0.2 bundle gets when the legacy switch is off. */
    public static final String LEGACY_REFUSED = "the bundle uses the model_signing v0.2 format (" + LEGACY_PREDICATE_TYPE
            + ", signed over a malformed DSSE encoding); it is accepted only with the legacy switch "
            + "(--legacy-v0.2), so re-sign the model with a current signer";

    /**
     * Parses the signed payload; with {@code allowLegacy}, a model_signing v0.2 statement (every file a subject,
     * no root digest) is read as {@code files} serialization over SHA-256.
     */
    public static OmsStatement parse(byte[] payload, boolean allowLegacy) throws OmsException {
        ObjectNode st = OmsJson.readObject(payload, "the signed statement");
        String type = OmsJson.text(st, "_type", "the statement");
        if (!STATEMENT_TYPE.equals(type)) {
            throw OmsException.badInput("the statement's _type '" + type + "' is not " + STATEMENT_TYPE);
        }
        String predicateType = OmsJson.text(st, "predicateType", "the statement");
        if (LEGACY_PREDICATE_TYPE.equals(predicateType)) {
            if (!allowLegacy) {
                throw OmsException.badInput(LEGACY_REFUSED);
            }
            return parseLegacy(st);
        }
        if (!PREDICATE_TYPE.equals(predicateType)) {
            throw OmsException.badInput("the statement's predicateType '" + predicateType
                    + "' is unknown (expected " + PREDICATE_TYPE + ")");
        }
        JsonNode subjects = st.get("subject");
        if (subjects == null || !subjects.isArray() || subjects.size() != 1) {
            throw OmsException.badInput("the statement must have exactly one subject");
        }
        JsonNode subject = subjects.get(0);
        if (!subject.isObject()) {
            throw OmsException.badInput("the statement's subject is not a JSON object");
        }
        String name = OmsJson.text(subject, "name", "the subject");
        if (name.isEmpty()) {
            throw OmsException.badInput("the subject's name is empty");
        }
        String root = OmsJson.text(OmsJson.object(subject, "digest", "the subject"), "sha256", "the subject's digest");
        if (!SHA256_HEX.matcher(root).matches()) {
            throw OmsException.badInput("the subject's sha256 digest '" + clip(root)
                    + "' is not 64 lower-case hex characters");
        }
        ObjectNode predicate = OmsJson.object(st, "predicate", "the statement");
        Serialization ser = serialization(OmsJson.object(predicate, "serialization", "the predicate"));
        JsonNode res = predicate.get("resources");
        if (res == null || !res.isArray()) {
            throw OmsException.badInput("the predicate has no 'resources' array");
        }
        List<Resource> resources = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < res.size(); i++) {
            Resource r = resource(res.get(i), i, ser);
            if (!names.add(r.name())) {
                throw OmsException.badInput("resource '" + r.name() + "' is listed twice");
            }
            resources.add(r);
        }
        return new OmsStatement(name, root, ser, resources);
    }

    /** Whether {@code payload} is a v0.2 statement (a peek that decides which DSSE encoding to check; not trusted). */
    static boolean isLegacy(byte[] payload) {
        try {
            JsonNode pt = OmsJson.readObject(payload, "the signed statement").get("predicateType");
            return pt != null && LEGACY_PREDICATE_TYPE.equals(pt.asText());
        } catch (OmsException e) {
            return false; // judged properly when the statement is parsed
        }
    }

    /** v0.2: {@code subject[]} lists the files, each {@code {name, digest.sha256, annotations.actual_hash_algorithm}}. */
    private static OmsStatement parseLegacy(ObjectNode st) throws OmsException {
        JsonNode subjects = st.get("subject");
        if (subjects == null || !subjects.isArray() || subjects.isEmpty()) {
            throw OmsException.badInput("the v0.2 statement lists no subjects (files)");
        }
        List<Resource> resources = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < subjects.size(); i++) {
            String where = "subject[" + i + "]";
            JsonNode n = subjects.get(i);
            if (!n.isObject()) {
                throw OmsException.badInput(where + " is not a JSON object");
            }
            String name = OmsJson.text(n, "name", where);
            String digest = OmsJson.text(OmsJson.object(n, "digest", where), "sha256", where + ".digest");
            JsonNode ann = n.get("annotations");
            String algo = ann == null || ann.get("actual_hash_algorithm") == null ? null
                    : ann.get("actual_hash_algorithm").asText();
            if (!"file-sha256".equals(algo)) {
                throw OmsException.badInput(where + " (" + clip(name) + "): actual_hash_algorithm '" + algo
                        + "' is not supported (only file-sha256)");
            }
            if (!SHA256_HEX.matcher(digest).matches()) {
                throw OmsException.badInput(where + " (" + clip(name) + "): digest is not 64 lower-case hex characters");
            }
            requirePath(name, where);
            if (!names.add(name)) {
                throw OmsException.badInput("resource '" + clip(name) + "' is listed twice");
            }
            resources.add(Resource.file(name, SHA256, digest));
        }
        return of("model", new Serialization(FILES, SHA256, false, null, null), resources);
    }

    private static Serialization serialization(ObjectNode s) throws OmsException {
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!SERIALIZATION_KEYS.contains(k)) {
                throw OmsException.badInput("serialization has an unknown field '" + k
                        + "'; ModelGate refuses what it cannot interpret");
            }
        }
        String method = OmsJson.text(s, "method", "serialization");
        if (!FILES.equals(method) && !SHARDS.equals(method)) {
            throw OmsException.badInput("serialization method '" + method + "' is unknown (expected files or shards)");
        }
        String hash = OmsJson.text(s, "hash_type", "serialization");
        if (KNOWN_UNSUPPORTED_HASHES.contains(hash)) {
            throw OmsException.badInput("hash_type '" + hash + "' is not supported by ModelGate yet (only sha256)");
        }
        if (!SHA256.equals(hash)) {
            throw OmsException.badInput("hash_type '" + hash + "' is unknown (expected sha256)");
        }
        JsonNode links = s.get("allow_symlinks");
        if (links == null || !links.isBoolean()) {
            throw OmsException.badInput("serialization.allow_symlinks is missing or not a boolean");
        }
        Long shardSize = null;
        JsonNode size = s.get("shard_size");
        if (SHARDS.equals(method)) {
            if (size == null || !size.isNumber()) {
                throw OmsException.badInput("serialization.shard_size is missing or not a number (needed for shards)");
            }
            // The reference implementation writes 1000000000.0 (protobuf Struct numbers are doubles).
            BigDecimal d = size.decimalValue();
            if (d.signum() <= 0 || d.stripTrailingZeros().scale() > 0 || d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw OmsException.badInput("serialization.shard_size " + size + " is not a positive whole number");
            }
            shardSize = d.longValueExact();
        } else if (size != null) {
            throw OmsException.badInput("serialization.shard_size is only allowed with method shards");
        }
        List<String> ignore = null;
        JsonNode ig = s.get("ignore_paths");
        if (ig != null && !ig.isNull()) {
            if (!ig.isArray()) {
                throw OmsException.badInput("serialization.ignore_paths is not an array");
            }
            ignore = new ArrayList<>();
            for (JsonNode p : ig) {
                if (!p.isTextual()) {
                    throw OmsException.badInput("serialization.ignore_paths holds a value that is not a string");
                }
                String problem = ignorePathProblem(p.textValue());
                if (problem != null) {
                    throw OmsException.badInput("serialization.ignore_paths: " + problem);
                }
                ignore.add(p.textValue());
            }
        }
        return new Serialization(method, hash, links.booleanValue(), shardSize, ignore);
    }

    /** Why {@code p} cannot be an ignore path (OMS 6.2.1: exact relative paths, no globs), or null. */
    public static String ignorePathProblem(String p) {
        if (p.indexOf('*') >= 0 || p.indexOf('?') >= 0 || p.indexOf('[') >= 0) {
            return "ignore path '" + clip(p) + "' contains a glob character; OMS ignore paths are exact paths";
        }
        return ModelPath.problem(p).orElse(null);
    }

    private static Resource resource(JsonNode n, int i, Serialization ser) throws OmsException {
        String where = "resources[" + i + "]";
        if (!n.isObject()) {
            throw OmsException.badInput(where + " is not a JSON object");
        }
        String name = OmsJson.text(n, "name", where);
        String algorithm = OmsJson.text(n, "algorithm", where);
        String digest = OmsJson.text(n, "digest", where);
        if (!HEX.matcher(digest).matches()) {
            throw OmsException.badInput(where + " (" + clip(name) + "): digest is not lower-case hex");
        }
        if (digest.length() != 64) {
            throw OmsException.badInput(where + " (" + clip(name) + "): a sha256 digest has 64 hex characters, not "
                    + digest.length());
        }
        if (!ser.shards()) {
            if (!algorithm.equals(ser.hashType())) {
                throw OmsException.badInput(where + " (" + clip(name) + "): algorithm '" + clip(algorithm)
                        + "' does not match hash_type " + ser.hashType());
            }
            requirePath(name, where);
            return Resource.file(name, algorithm, digest);
        }
        if (!algorithm.equals(ser.hashType()) && !algorithm.equals(ser.resourceAlgorithm())) {
            throw OmsException.badInput(where + " (" + clip(name) + "): algorithm '" + clip(algorithm)
                    + "' does not match hash_type " + ser.hashType() + " with shard_size " + ser.shardSize());
        }
        // path:start:end; the path may itself hold colons, so take the last two fields.
        int b = name.lastIndexOf(':');
        int a = b <= 0 ? -1 : name.lastIndexOf(':', b - 1);
        if (a <= 0) {
            throw OmsException.badInput(where + ": shard name '" + clip(name) + "' is not path:start:end");
        }
        String path = name.substring(0, a);
        long start = offset(name.substring(a + 1, b), name, where);
        long end = offset(name.substring(b + 1), name, where);
        if (end <= start || end - start > ser.shardSize()) {
            throw OmsException.badInput(where + ": shard '" + clip(name) + "' is not a range of 1 to "
                    + ser.shardSize() + " bytes");
        }
        requirePath(path, where);
        return Resource.shard(path, start, end, algorithm, digest);
    }

    private static long offset(String s, String name, String where) throws OmsException {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')
                || (s.length() > 1 && s.charAt(0) == '0')) {
            throw OmsException.badInput(where + ": shard name '" + clip(name) + "' has a bad offset '" + clip(s) + "'");
        }
        return Long.parseLong(s);
    }

    /** "." names the model itself (a single-file model, as model_signing writes it); anything else a relative path. */
    private static void requirePath(String path, String where) throws OmsException {
        if (".".equals(path)) {
            return;
        }
        String problem = ModelPath.problem(path).orElse(null);
        if (problem != null) {
            throw OmsException.badInput(where + ": refused, " + problem);
        }
    }

    /** The root digest of {@code resources}: SHA-256 over their raw digests, in the order given. */
    public static String rootDigest(List<Resource> resources) {
        MessageDigest md = Sha256.newDigest();
        HexFormat hex = HexFormat.of();
        for (Resource r : resources) {
            md.update(hex.parseHex(r.digest()));
        }
        return hex.formatHex(md.digest());
    }

    /** Fails (verification failed) when the subject digest is not the one the resources give. */
    public void requireConsistentSubject() throws OmsException {
        String computed = rootDigest(resources);
        if (!computed.equals(subjectDigest)) {
            throw OmsException.invalid("the signed statement is inconsistent: its subject digest is " + subjectDigest
                    + " but its resources hash to " + computed);
        }
    }

    // ---- writing ----

    /** A statement for {@code resources} (already in canonical order), with the root digest computed. */
    public static OmsStatement of(String subjectName, Serialization serialization, List<Resource> resources) {
        return new OmsStatement(subjectName, rootDigest(resources), serialization, resources);
    }

    /** The statement as JSON, laid out as the reference implementation writes it. */
    public String toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode st = f.objectNode();
        st.put("_type", STATEMENT_TYPE);
        ObjectNode subject = st.putArray("subject").addObject();
        subject.put("name", subjectName);
        subject.putObject("digest").put("sha256", subjectDigest);
        st.put("predicateType", PREDICATE_TYPE);
        ObjectNode predicate = st.putObject("predicate");
        ObjectNode s = predicate.putObject("serialization");
        s.put("method", serialization.method());
        s.put("hash_type", serialization.hashType());
        s.put("allow_symlinks", serialization.allowSymlinks());
        if (serialization.shardSize() != null) {
            s.put("shard_size", serialization.shardSize());
        }
        if (serialization.ignorePaths() != null && !serialization.ignorePaths().isEmpty()) {
            ArrayNode ig = s.putArray("ignore_paths");
            serialization.ignorePaths().forEach(ig::add);
        }
        ArrayNode res = predicate.putArray("resources");
        for (Resource r : resources) {
            ObjectNode o = res.addObject();
            o.put("algorithm", r.algorithm());
            o.put("digest", r.digest());
            o.put("name", r.name());
        }
        return OmsJson.write(st);
    }

    public byte[] toJsonBytes() {
        return toJson().getBytes(StandardCharsets.UTF_8);
    }

    static String clip(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 120; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return s.length() > 120 ? b + "…" : b.toString();
    }
}
