package io.kembed.producer.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kembed.core.event.EntityType;
import io.kembed.producer.imports.FieldMapping.Source;
import io.kembed.producer.imports.FieldMapping.Tenant;
import io.kembed.producer.imports.FieldMapping.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a {@link FieldMapping} from JSON. The format, with every key (unknown keys are an error, to catch typos):
 *
 * <pre>{@code
 * {
 *   "type": "contact",                       // "contact" or "document"
 *   "tenant": "acme",                        // a constant tenant id ...
 *   "tenantField": "org_id",                 // ... or the source field holding it (exactly one of the two)
 *   "idField": "id",                         // required
 *   "versionField": "revision",              // optional: an integer, or a string of digits
 *   "version": "now-millis",                 // default when there is no versionField or a row lacks it:
 *                                            // an integer >= 0 or "now-millis" (the import's start time)
 *   "fields": {                              // target -> source
 *     "name": ["first_name", "last_name"],   // a field name, or a list joined with " "
 *     "notes": {"from": ["bio", "remarks"], "join": "\n\n"},
 *     "tags": {"from": "interests", "split": ", ", "keepWhole": ["Economy, finance and the euro"]},
 *     "attributes.country": "country"        // map targets: attributes.<key> (contact), metadata.<key> (document)
 *   }
 * }
 * }</pre>
 *
 * (The comments above are for the reader; the file itself is plain JSON.)
 */
public final class FieldMappingJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> TOP_KEYS =
            Set.of("type", "tenant", "tenantField", "idField", "versionField", "version", "fields");
    private static final Set<String> SOURCE_KEYS = Set.of("from", "join", "split", "keepWhole");
    static final String NOW_MILLIS = "now-millis";

    private FieldMappingJson() {
    }

    /**
     * @throws IOException if the file cannot be read or is not JSON
     * @throws IllegalArgumentException if the JSON is not a valid mapping
     */
    public static FieldMapping read(Path file) throws IOException {
        try {
            return fromTree(MAPPER.readTree(Files.readAllBytes(file)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mapping " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @throws IllegalArgumentException if {@code json} is not JSON or not a valid mapping
     */
    public static FieldMapping parse(String json) {
        try {
            return fromTree(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("mapping is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static FieldMapping fromTree(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("mapping must be a JSON object");
        }
        checkKeys(root, TOP_KEYS, "mapping");
        EntityType type = EntityType.fromWire(text(root, "type", true));
        String tenant = text(root, "tenant", false);
        String tenantField = text(root, "tenantField", false);
        Tenant t = new Tenant(tenant, tenantField);
        String idField = text(root, "idField", true);
        Version version = version(root);
        JsonNode fields = root.get("fields");
        if (fields == null || !fields.isObject()) {
            throw new IllegalArgumentException("'fields' (object of target -> source) is required");
        }
        Map<String, Source> sources = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : fields.properties()) {
            sources.put(e.getKey(), source(e.getKey(), e.getValue()));
        }
        return new FieldMapping(type, t, idField, version, sources);
    }

    private static Version version(JsonNode root) {
        String field = text(root, "versionField", false);
        JsonNode v = root.get("version");
        if (v == null || v.isNull()) {
            if (field == null) {
                throw new IllegalArgumentException("'versionField' or 'version' is required");
            }
            return Version.field(field);
        }
        if (v.isTextual() && NOW_MILLIS.equals(v.asText())) {
            return field == null ? Version.nowMillis() : Version.field(field).orElseNowMillis();
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return field == null ? Version.constant(v.asLong()) : Version.field(field).orElse(v.asLong());
        }
        throw new IllegalArgumentException("'version' must be an integer or \"" + NOW_MILLIS + "\", got " + v);
    }

    private static Source source(String target, JsonNode node) {
        if (node.isTextual() || node.isArray()) {
            return new Source(names(node, target), null, null, null);
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("source of '" + target + "' must be a field name, a list or an object");
        }
        checkKeys(node, SOURCE_KEYS, "source of '" + target + "'");
        JsonNode from = node.get("from");
        if (from == null) {
            throw new IllegalArgumentException("source of '" + target + "' needs 'from'");
        }
        JsonNode keepWhole = node.get("keepWhole");
        return new Source(names(from, target), text(node, "join", false), text(node, "split", false),
                keepWhole == null ? null : names(keepWhole, target));
    }

    private static List<String> names(JsonNode node, String target) {
        List<String> names = new ArrayList<>();
        if (node.isTextual()) {
            names.add(node.asText());
        } else if (node.isArray()) {
            for (JsonNode n : node) {
                if (!n.isTextual()) {
                    throw new IllegalArgumentException("'" + target + "': expected strings, got " + n);
                }
                names.add(n.asText());
            }
        } else {
            throw new IllegalArgumentException("'" + target + "': expected a string or a list of strings");
        }
        return names;
    }

    private static String text(JsonNode node, String key, boolean required) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("'" + key + "' is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("'" + key + "' must be a string, got " + v.getNodeType());
        }
        return v.asText();
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String where) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!allowed.contains(e.getKey())) {
                throw new IllegalArgumentException("unknown key '" + e.getKey() + "' in " + where + "; allowed: "
                        + new TreeSet<>(allowed));
            }
        }
    }
}
