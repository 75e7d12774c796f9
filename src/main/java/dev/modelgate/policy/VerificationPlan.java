package dev.modelgate.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.integrity.IgnoreRules;
import dev.modelgate.integrity.Manifest;
import dev.modelgate.integrity.ManifestEntry;
import dev.modelgate.integrity.ModelPath;
import dev.modelgate.integrity.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the verifier init-container must prove before a pod starts: the models, their files, and what it
 * needs to trust their sources. The mutating webhook builds it ({@link PlanBuilder}), embeds {@link #toJson()}
 * in the verifier's env and its {@link #sha256()} in a pod annotation; {@code modelgate verify-pod} reads it
 * back with {@link #fromJson(String)}.
 *
 * <p>{@link #toJson()} is canonical: properties in a fixed order, every property written (absent values as
 * {@code null}), source names sorted, no whitespace, pure ASCII (non-ASCII characters as JSON escapes). Equal plans give equal bytes, so the digest in the
 * annotation pins the exact plan the validating webhook approved.
 */
public record VerificationPlan(String apiVersion, String volume, String root, boolean strict, List<String> ignore,
        List<Model> models, Map<String, Source> sources) {

    /** The only plan version this code writes and reads. */
    public static final String API_VERSION = "modelgate.dev/plan/v1";

    public VerificationPlan {
        Objects.requireNonNull(apiVersion, "apiVersion");
        Objects.requireNonNull(volume, "volume");
        Objects.requireNonNull(root, "root");
        ignore = List.copyOf(ignore);
        models = List.copyOf(models);
        sources = Collections.unmodifiableMap(new TreeMap<>(sources));
    }

    /** One approved model of the pod. {@code signature} is null when the model neither needs nor declares one. */
    public record Model(String name, String namespace, String source, String manifestDigest, ScanPolicy scanPolicy,
            Signature signature, List<PlanFile> files, List<String> allowGlobals, List<String> allowCode) {
        public Model {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(manifestDigest, "manifestDigest");
            Objects.requireNonNull(scanPolicy, "scanPolicy");
            files = List.copyOf(files);
            // sorted: the reviewed exceptions' order does not change what is verified, nor the plan's digest
            allowGlobals = allowGlobals == null ? List.of() : allowGlobals.stream().distinct().sorted().toList();
            allowCode = allowCode == null ? List.of() : allowCode.stream().distinct().sorted().toList();
        }

        /** A model without reviewed scan exceptions. */
        public Model(String name, String namespace, String source, String manifestDigest, ScanPolicy scanPolicy,
                Signature signature, List<PlanFile> files) {
            this(name, namespace, source, manifestDigest, scanPolicy, signature, files, List.of(), List.of());
        }

        /** {@code namespace/name}, for messages. */
        public String qualifiedName() {
            return namespace + "/" + name;
        }

        /** The model's files as the integrity engine's manifest. */
        public Manifest manifest() {
            List<ManifestEntry> entries = new ArrayList<>();
            for (PlanFile f : files) {
                entries.add(new ManifestEntry(f.path(), f.sha256(), f.size()));
            }
            return Manifest.of(entries);
        }
    }

    /** Where the model's OMS bundle lies on the volume and whether a valid one is mandatory. */
    public record Signature(boolean required, String bundlePath) {
        public Signature {
            Objects.requireNonNull(bundlePath, "bundlePath");
        }
    }

    /** One declared file; {@code url} (https only) is null when the file is never downloaded. */
    public record PlanFile(String path, String sha256, long size, String url) {
        public PlanFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    /** A trusted origin as far as the verifier needs it: download prefixes, pinned CA, signing trust. */
    public record Source(List<String> urls, String caBundle, boolean signingRequired, List<Key> keys,
            Certificates certificates, Keyless keyless) {
        public Source {
            urls = List.copyOf(urls);
            keys = List.copyOf(keys);
        }
    }

    /** A signing key of a source, with its validity window and revocation as in the CRD. */
    public record Key(String name, String publicKey, String notBefore, String notAfter, boolean revoked,
            String reason) {
        public Key {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(publicKey, "publicKey");
        }
    }

    /** Certificate-chain trust as in the CRD: PEM roots and the identities allowed under them. */
    public record Certificates(String roots, List<CertificateIdentity> identities) {
        public Certificates {
            Objects.requireNonNull(roots, "roots");
            identities = List.copyOf(identities);
        }
    }

    public record CertificateIdentity(String subject, String san) {
    }

    /** Sigstore keyless trust as in the CRD: identities, and an inline trusted root or null for the shipped one. */
    public record Keyless(List<KeylessIdentity> identities, String trustedRoot) {
        public Keyless {
            identities = List.copyOf(identities);
        }
    }

    public record KeylessIdentity(String san, String issuer) {
        public KeylessIdentity {
            Objects.requireNonNull(san, "san");
            Objects.requireNonNull(issuer, "issuer");
        }
    }

    /** The source of a model of this plan (present: the parser and the builder both insist on it). */
    public Source sourceOf(Model model) {
        Source s = sources.get(model.source());
        if (s == null) {
            throw new IllegalArgumentException("plan model " + model.qualifiedName() + " names source '"
                    + model.source() + "', which the plan does not contain");
        }
        return s;
    }

    /** Every declared file of every model, as one manifest (a path shared by two models appears once). */
    public Manifest manifest() {
        List<ManifestEntry> entries = new ArrayList<>();
        for (Model m : models) {
            entries.addAll(m.manifest().entries());
        }
        return Manifest.of(entries);
    }

    // ---- canonical form ----

    // Non-ASCII characters are written as JSON escapes (backslash-u): the plan travels in an environment
    // variable, and a JVM under the POSIX locale decodes the environment as ASCII, which would break the digest.
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII).build();

    /** The canonical bytes (UTF-8). */
    public byte[] toJsonBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("apiVersion", apiVersion);
            g.writeStringField("volume", volume);
            g.writeStringField("root", root);
            g.writeBooleanField("strict", strict);
            writeStrings(g, "ignore", ignore);
            g.writeArrayFieldStart("models");
            for (Model m : models) {
                writeModel(g, m);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("sources");
            for (Map.Entry<String, Source> e : sources.entrySet()) {
                g.writeFieldName(e.getKey());
                writeSource(g, e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The canonical JSON text: what goes into {@link PodContract#ENV_PLAN}. */
    public String toJson() {
        return new String(toJsonBytes(), StandardCharsets.UTF_8);
    }

    /** Lower-case hex SHA-256 of {@link #toJsonBytes()}: what goes into {@link PodContract#ANNOTATION_PLAN_SHA256}. */
    public String sha256() {
        return HexFormat.of().formatHex(Sha256.newDigest().digest(toJsonBytes()));
    }

    private static void writeModel(JsonGenerator g, Model m) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", m.name());
        g.writeStringField("namespace", m.namespace());
        g.writeStringField("source", m.source());
        g.writeStringField("manifestDigest", m.manifestDigest());
        g.writeStringField("scanPolicy", scanPolicyName(m.scanPolicy()));
        // written only when set, so plans of models without exceptions keep their digest
        if (!m.allowGlobals().isEmpty()) {
            writeStrings(g, "allowGlobals", m.allowGlobals());
        }
        if (!m.allowCode().isEmpty()) {
            writeStrings(g, "allowCode", m.allowCode());
        }
        if (m.signature() == null) {
            g.writeNullField("signature");
        } else {
            g.writeObjectFieldStart("signature");
            g.writeBooleanField("required", m.signature().required());
            g.writeStringField("bundlePath", m.signature().bundlePath());
            g.writeEndObject();
        }
        g.writeArrayFieldStart("files");
        for (PlanFile f : m.files()) {
            g.writeStartObject();
            g.writeStringField("path", f.path());
            g.writeStringField("sha256", f.sha256());
            g.writeNumberField("size", f.size());
            writeNullable(g, "url", f.url());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeSource(JsonGenerator g, Source s) throws IOException {
        g.writeStartObject();
        writeStrings(g, "urls", s.urls());
        writeNullable(g, "caBundle", s.caBundle());
        g.writeBooleanField("signingRequired", s.signingRequired());
        g.writeArrayFieldStart("keys");
        for (Key k : s.keys()) {
            g.writeStartObject();
            g.writeStringField("name", k.name());
            g.writeStringField("publicKey", k.publicKey());
            writeNullable(g, "notBefore", k.notBefore());
            writeNullable(g, "notAfter", k.notAfter());
            g.writeBooleanField("revoked", k.revoked());
            writeNullable(g, "reason", k.reason());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (s.certificates() == null) {
            g.writeNullField("certificates");
        } else {
            g.writeObjectFieldStart("certificates");
            g.writeStringField("roots", s.certificates().roots());
            g.writeArrayFieldStart("identities");
            for (CertificateIdentity id : s.certificates().identities()) {
                g.writeStartObject();
                writeNullable(g, "subject", id.subject());
                writeNullable(g, "san", id.san());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        if (s.keyless() == null) {
            g.writeNullField("keyless");
        } else {
            g.writeObjectFieldStart("keyless");
            g.writeArrayFieldStart("identities");
            for (KeylessIdentity id : s.keyless().identities()) {
                g.writeStartObject();
                g.writeStringField("san", id.san());
                g.writeStringField("issuer", id.issuer());
                g.writeEndObject();
            }
            g.writeEndArray();
            writeNullable(g, "trustedRoot", s.keyless().trustedRoot());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void writeNullable(JsonGenerator g, String field, String value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, value);
        }
    }

    static String scanPolicyName(ScanPolicy p) {
        return p.name().toLowerCase(java.util.Locale.ROOT);
    }

    // ---- strict parsing ----

    // The parser builds the tree itself from jackson-core tokens: an ObjectMapper costs a few hundred
    // milliseconds of class loading and set-up, and this runs on every model pod's start path.
    private static final JsonFactory STRICT_FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private static JsonNode readTree(String json) throws IOException {
        try (JsonParser p = STRICT_FACTORY.createParser(json)) {
            if (p.nextToken() == null) {
                throw new IllegalArgumentException("the plan is empty; the verifier needs the plan JSON the webhook "
                        + "embeds");
            }
            JsonNode root = node(p);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("the plan is not valid JSON (data after the end of the plan at line "
                        + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr() + ")");
            }
            return root;
        }
    }

    private static JsonNode node(JsonParser p) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (p.currentToken()) {
            case START_OBJECT: {
                ObjectNode o = f.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    o.set(name, node(p));
                }
                return o;
            }
            case START_ARRAY: {
                ArrayNode a = f.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(node(p));
                }
                return a;
            }
            case VALUE_STRING:
                return f.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? f.numberNode(p.getBigIntegerValue())
                        : f.numberNode(p.getLongValue());
            case VALUE_NUMBER_FLOAT:
                return f.numberNode(p.getDecimalValue());
            case VALUE_TRUE:
                return f.booleanNode(true);
            case VALUE_FALSE:
                return f.booleanNode(false);
            case VALUE_NULL:
                return f.nullNode();
            default:
                throw new IllegalArgumentException("the plan is not valid JSON (unexpected " + p.currentToken()
                        + " at line " + p.currentLocation().getLineNr() + ")");
        }
    }

    /**
     * Parses a plan and checks it completely: unknown or missing fields, wrong types, invalid paths or digests,
     * non-https URLs, a model whose {@code manifestDigest} does not match its files, a source named but absent.
     * Throws {@link IllegalArgumentException} with one sentence naming the field.
     */
    public static VerificationPlan fromJson(String json) {
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException("the plan is empty; the verifier needs the plan JSON the webhook embeds");
        }
        JsonNode root;
        try {
            root = readTree(json);
        } catch (JsonProcessingException e) {
            String what = e.getOriginalMessage();
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            int col = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
            throw new IllegalArgumentException("the plan is not valid JSON (" + what.replace('\n', ' ')
                    + (line > 0 ? " at line " + line + ", column " + col : "") + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("the plan cannot be read (" + e.getMessage() + ")");
        }
        return new PlanReader().plan(root);
    }

    /** Walks the parsed tree with the path of the current field, for messages. */
    private static final class PlanReader {

        VerificationPlan plan(JsonNode node) {
            Obj o = object(node, "plan");
            String apiVersion = o.string("apiVersion");
            if (!API_VERSION.equals(apiVersion)) {
                throw new IllegalArgumentException("plan field 'apiVersion' is '" + apiVersion
                        + "'; this verifier reads " + API_VERSION + " plans only");
            }
            String volume = o.nonBlank("volume");
            String root = o.string("root");
            if (!root.startsWith("/")) {
                throw new IllegalArgumentException("plan field 'root' must be an absolute path, not '" + root + "'");
            }
            boolean strict = o.bool("strict");
            List<String> ignore = strings(o.required("ignore"), "ignore", false);
            try {
                new IgnoreRules(ignore);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("plan field 'ignore': " + e.getMessage());
            }
            Map<String, Source> sources = new TreeMap<>();
            Obj so = object(o.required("sources"), "sources");
            for (Iterator<Map.Entry<String, JsonNode>> it = so.node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                sources.put(e.getKey(), source(e.getValue(), "sources." + e.getKey()));
            }
            JsonNode mn = o.required("models");
            if (!mn.isArray() || mn.isEmpty()) {
                throw new IllegalArgumentException("plan field 'models' must be a non-empty array of models");
            }
            List<Model> models = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < mn.size(); i++) {
                Model m = model(mn.get(i), "models[" + i + "]");
                if (!names.add(m.qualifiedName())) {
                    throw new IllegalArgumentException("plan field 'models[" + i + "]' repeats model "
                            + m.qualifiedName());
                }
                if (!sources.containsKey(m.source())) {
                    throw new IllegalArgumentException("plan field 'models[" + i + "].source' names '" + m.source()
                            + "', which is not in the plan's sources");
                }
                List<String> prefixes = sources.get(m.source()).urls();
                for (int j = 0; j < m.files().size(); j++) {
                    String url = m.files().get(j).url();
                    if (url != null) {
                        String at = "plan field 'models[" + i + "].files[" + j + "].url': ";
                        java.util.Optional<String> problem = UrlPrefixes.problem(url, prefixes);
                        if (problem.isPresent()) {
                            throw new IllegalArgumentException(at + problem.get());
                        }
                    }
                }
                models.add(m);
            }
            o.noOthers();
            VerificationPlan plan = new VerificationPlan(apiVersion, volume, root, strict, ignore, models, sources);
            try {
                plan.manifest();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("plan field 'models': " + e.getMessage());
            }
            return plan;
        }

        Model model(JsonNode node, String at) {
            Obj o = object(node, at);
            String name = o.nonBlank("name");
            String namespace = o.nonBlank("namespace");
            String source = o.nonBlank("source");
            String digest = o.string("manifestDigest");
            String scan = o.string("scanPolicy");
            ScanPolicy policy = switch (scan) {
                case "enforce" -> ScanPolicy.ENFORCE;
                case "warn" -> ScanPolicy.WARN;
                case "off" -> ScanPolicy.OFF;
                default -> throw new IllegalArgumentException("plan field '" + at + ".scanPolicy' is '" + scan
                        + "'; expected enforce, warn or off");
            };
            Signature signature = null;
            JsonNode sn = o.optional("signature");
            if (sn != null) {
                Obj so = object(sn, at + ".signature");
                boolean required = so.bool("required");
                String bundlePath = so.path("bundlePath");
                so.noOthers();
                signature = new Signature(required, bundlePath);
            }
            JsonNode fn = o.required("files");
            if (!fn.isArray() || fn.isEmpty()) {
                throw new IllegalArgumentException("plan field '" + at + ".files' must be a non-empty array of files");
            }
            List<PlanFile> files = new ArrayList<>();
            for (int i = 0; i < fn.size(); i++) {
                files.add(file(fn.get(i), at + ".files[" + i + "]"));
            }
            JsonNode ag = o.optional("allowGlobals");
            List<String> allowGlobals = ag == null ? List.of() : strings(ag, at + ".allowGlobals", true);
            for (String gl : allowGlobals) {
                if (!gl.matches(dev.modelgate.api.v1alpha1.ApiPatterns.PICKLE_GLOBAL)) {
                    throw new IllegalArgumentException("plan field '" + at + ".allowGlobals' holds '" + gl
                            + "', which is not an exact module.name global");
                }
            }
            JsonNode ac = o.optional("allowCode");
            List<String> allowCode = ac == null ? List.of() : strings(ac, at + ".allowCode", true);
            o.noOthers();
            Model m = new Model(name, namespace, source, digest, policy, signature, files, allowGlobals, allowCode);
            String actual;
            try {
                actual = m.manifest().digest();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("plan field '" + at + ".files': " + e.getMessage());
            }
            if (m.manifest().size() != files.size()) {
                throw new IllegalArgumentException("plan field '" + at + ".files' lists a path twice");
            }
            if (!actual.equals(digest)) {
                throw new IllegalArgumentException("plan field '" + at + ".manifestDigest' is " + digest
                        + " but the model's files give " + actual);
            }
            return m;
        }

        PlanFile file(JsonNode node, String at) {
            Obj o = object(node, at);
            String path = o.path("path");
            String sha = o.string("sha256");
            java.util.Optional<String> badSha = ModelPath.sha256Problem(sha);
            if (badSha.isPresent()) {
                throw new IllegalArgumentException("plan field '" + at + ".sha256': " + badSha.get());
            }
            JsonNode sizeNode = o.required("size");
            if (!sizeNode.isIntegralNumber() || !sizeNode.canConvertToLong() || sizeNode.longValue() < 0) {
                throw new IllegalArgumentException("plan field '" + at + ".size' must be a non-negative integer, not "
                        + sizeNode);
            }
            String url = o.optionalString("url");
            if (url != null) {
                requireHttps(url, at + ".url");
            }
            o.noOthers();
            return new PlanFile(path, sha, sizeNode.longValue(), url);
        }

        Source source(JsonNode node, String at) {
            Obj o = object(node, at);
            // Empty for a registry-only source (models mounted as image volumes): nothing may be downloaded.
            List<String> urls = strings(o.required("urls"), at + ".urls", true);
            for (int i = 0; i < urls.size(); i++) {
                requireHttps(urls.get(i), at + ".urls[" + i + "]");
            }
            String ca = o.optionalString("caBundle");
            boolean signingRequired = o.bool("signingRequired");
            JsonNode kn = o.required("keys");
            if (!kn.isArray()) {
                throw new IllegalArgumentException("plan field '" + at + ".keys' must be an array");
            }
            List<Key> keys = new ArrayList<>();
            for (int i = 0; i < kn.size(); i++) {
                String kat = at + ".keys[" + i + "]";
                Obj k = object(kn.get(i), kat);
                keys.add(new Key(k.nonBlank("name"), k.nonBlank("publicKey"), k.optionalString("notBefore"),
                        k.optionalString("notAfter"), k.bool("revoked"), k.optionalString("reason")));
                k.noOthers();
            }
            Certificates certificates = null;
            JsonNode cn = o.optional("certificates");
            if (cn != null) {
                Obj c = object(cn, at + ".certificates");
                String roots = c.nonBlank("roots");
                JsonNode idn = c.required("identities");
                if (!idn.isArray()) {
                    throw new IllegalArgumentException("plan field '" + at + ".certificates.identities' must be an array");
                }
                List<CertificateIdentity> ids = new ArrayList<>();
                for (int i = 0; i < idn.size(); i++) {
                    Obj id = object(idn.get(i), at + ".certificates.identities[" + i + "]");
                    ids.add(new CertificateIdentity(id.optionalString("subject"), id.optionalString("san")));
                    id.noOthers();
                }
                c.noOthers();
                certificates = new Certificates(roots, ids);
            }
            Keyless keyless = null;
            JsonNode ln = o.optional("keyless");
            if (ln != null) {
                Obj l = object(ln, at + ".keyless");
                JsonNode idn = l.required("identities");
                if (!idn.isArray()) {
                    throw new IllegalArgumentException("plan field '" + at + ".keyless.identities' must be an array");
                }
                List<KeylessIdentity> ids = new ArrayList<>();
                for (int i = 0; i < idn.size(); i++) {
                    Obj id = object(idn.get(i), at + ".keyless.identities[" + i + "]");
                    ids.add(new KeylessIdentity(id.nonBlank("san"), id.nonBlank("issuer")));
                    id.noOthers();
                }
                String trustedRoot = l.optionalString("trustedRoot");
                l.noOthers();
                keyless = new Keyless(ids, trustedRoot);
            }
            o.noOthers();
            return new Source(urls, ca, signingRequired, keys, certificates, keyless);
        }

        static void requireHttps(String url, String at) {
            if (!url.startsWith("https://")) {
                throw new IllegalArgumentException("plan field '" + at + "' is '" + url
                        + "', not an https:// URL; plain HTTP is never used");
            }
        }

        static List<String> strings(JsonNode node, String at, boolean nonBlank) {
            if (!node.isArray()) {
                throw new IllegalArgumentException("plan field '" + at + "' must be an array of strings");
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                JsonNode v = node.get(i);
                if (!v.isTextual() || (nonBlank && v.asText().isBlank())) {
                    throw new IllegalArgumentException("plan field '" + at + "[" + i + "]' must be a"
                            + (nonBlank ? " non-empty" : "") + " string, not " + v);
                }
                out.add(v.asText());
            }
            return out;
        }

        static Obj object(JsonNode node, String at) {
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("plan field '" + at + "' must be a JSON object, not "
                        + (node == null ? "nothing" : abbreviate(node.toString())));
            }
            return new Obj(node, at);
        }

        static String abbreviate(String s) {
            return s.length() > 40 ? s.substring(0, 40) + "..." : s;
        }
    }

    /** One JSON object being read: remembers which fields were used, so unknown ones are refused. */
    private static final class Obj {
        final JsonNode node;
        final String at;
        final Set<String> used = new HashSet<>();

        Obj(JsonNode node, String at) {
            this.node = node;
            this.at = at;
        }

        private String field(String name) {
            return at.equals("plan") ? name : at + "." + name;
        }

        JsonNode required(String name) {
            used.add(name);
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                throw new IllegalArgumentException("plan field '" + field(name) + "' is missing");
            }
            return v;
        }

        JsonNode optional(String name) {
            used.add(name);
            JsonNode v = node.get(name);
            return v == null || v.isNull() ? null : v;
        }

        String string(String name) {
            JsonNode v = required(name);
            if (!v.isTextual()) {
                throw new IllegalArgumentException("plan field '" + field(name) + "' must be a string, not "
                        + PlanReader.abbreviate(v.toString()));
            }
            return v.asText();
        }

        String nonBlank(String name) {
            String s = string(name);
            if (s.isBlank()) {
                throw new IllegalArgumentException("plan field '" + field(name) + "' is empty");
            }
            return s;
        }

        String optionalString(String name) {
            JsonNode v = optional(name);
            if (v == null) {
                return null;
            }
            if (!v.isTextual()) {
                throw new IllegalArgumentException("plan field '" + field(name) + "' must be a string or null, not "
                        + PlanReader.abbreviate(v.toString()));
            }
            return v.asText();
        }

        boolean bool(String name) {
            JsonNode v = required(name);
            if (!v.isBoolean()) {
                throw new IllegalArgumentException("plan field '" + field(name) + "' must be true or false, not "
                        + PlanReader.abbreviate(v.toString()));
            }
            return v.booleanValue();
        }

        String path(String name) {
            String p = string(name);
            java.util.Optional<String> problem = ModelPath.problem(p);
            if (problem.isPresent()) {
                throw new IllegalArgumentException("plan field '" + field(name) + "': " + problem.get());
            }
            return p;
        }

        void noOthers() {
            for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
                String n = it.next();
                if (!used.contains(n)) {
                    throw new IllegalArgumentException("plan field '" + field(n) + "' is not known to this verifier ("
                            + API_VERSION + "); the plan and the verifier image do not match");
                }
            }
        }
    }
}
