package io.kembed.producer.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.kembed.core.event.ChangeEvent;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.event.DocumentEvent;
import io.kembed.core.event.EntityType;
import io.kembed.core.event.Op;
import io.kembed.producer.imports.FieldMapping.Source;
import io.kembed.producer.imports.RowMappingException.Reason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one JSONL row into one change event with a {@link FieldMapping}. Pure functions, thread-safe.
 *
 * <p>Source values: strings are taken as they are, numbers and booleans as their JSON text, {@code null} and
 * absent fields are skipped, arrays contribute each element, and objects are an error. The resulting event is not
 * yet validated against the event limits: {@code ChangePublisher.publish} does that.
 */
public final class RowMapper {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private RowMapper() {
    }

    /**
     * Parses one line.
     *
     * @param line UTF-8 JSON, without the line terminator
     * @return the row, a JSON object
     * @throws RowMappingException with {@link Reason#BAD_JSON} or {@link Reason#NOT_AN_OBJECT}
     */
    public static JsonNode parse(byte[] line) {
        JsonNode row;
        try {
            row = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new RowMappingException(Reason.BAD_JSON, e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new RowMappingException(Reason.BAD_JSON, e.getMessage(), e);
        }
        if (row == null || !row.isObject()) {
            throw new RowMappingException(Reason.NOT_AN_OBJECT,
                    "expected a JSON object, got " + (row == null ? "nothing" : row.getNodeType()));
        }
        return row;
    }

    /**
     * Maps a row to an {@code upsert} event.
     *
     * @param row a JSON object
     * @param nowMillis the import's start time (ms since the epoch), used by a {@code now-millis} version
     * @throws RowMappingException if the id, tenant or version is missing or malformed, or a field has the wrong
     *     JSON type
     */
    public static ChangeEvent map(JsonNode row, FieldMapping mapping, long nowMillis) {
        return map(row, mapping, nowMillis, null);
    }

    /**
     * As {@link #map(JsonNode, FieldMapping, long)}, stamping the event's {@code occurredAt}: an import passes the
     * time it read the row, so the sink's end-to-end latency ({@code kembed.pipeline.latency}) covers imported
     * changes too (the rows carry no change time of their own).
     *
     * @param occurredAt the event's {@code occurredAt}, or null for none
     */
    public static ChangeEvent map(JsonNode row, FieldMapping mapping, long nowMillis, java.time.Instant occurredAt) {
        String id = requiredText(row, mapping.idField(), Reason.MISSING_ID, "id");
        String tenant = mapping.tenant().constant() != null
                ? mapping.tenant().constant()
                : requiredText(row, mapping.tenant().field(), Reason.MISSING_TENANT, "tenant");
        long version = version(row, mapping.version(), nowMillis);
        Map<String, String> text = new LinkedHashMap<>();
        Map<String, List<String>> lists = new LinkedHashMap<>();
        Map<String, String> map = new LinkedHashMap<>();
        String prefix = FieldMapping.mapPrefix(mapping.type());
        mapping.fields().forEach((target, source) -> {
            if (FieldMapping.isList(mapping.type(), target)) {
                lists.put(target, listValue(row, source));
            } else {
                String value = textValue(row, source);
                if (value != null && target.startsWith(prefix)) {
                    map.put(target.substring(prefix.length()), value);
                } else if (value != null) {
                    text.put(target, value);
                }
            }
        });
        if (mapping.type() == EntityType.CONTACT) {
            return new ContactEvent(ContactEvent.SCHEMA, Op.UPSERT, tenant, id, version, occurredAt, text.get("name"),
                    text.get("company"), text.get("title"), text.get("notes"), lists.get("tags"),
                    lists.get("emails"), lists.get("phones"), map);
        }
        return new DocumentEvent(DocumentEvent.SCHEMA, Op.UPSERT, tenant, id, version, occurredAt, text.get("title"),
                text.get("body"), text.get("url"), text.get("lang"), map);
    }

    /** The row's version: its version field if set and present, else the mapping's default. */
    static long version(JsonNode row, FieldMapping.Version rule, long nowMillis) {
        JsonNode node = rule.field() == null ? null : row.get(rule.field());
        if (node != null && !node.isNull()) {
            long v;
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                v = node.asLong();
            } else if (node.isTextual() && node.asText().strip().matches("-?[0-9]{1,19}")) {
                try {
                    v = Long.parseLong(node.asText().strip());
                } catch (NumberFormatException e) {
                    throw new RowMappingException(Reason.BAD_VERSION, "version '" + node.asText()
                            + "' in field '" + rule.field() + "' does not fit a long", e);
                }
            } else {
                throw new RowMappingException(Reason.BAD_VERSION, "field '" + rule.field()
                        + "' must be an integer version, got " + describe(node));
            }
            if (v < 0) {
                throw new RowMappingException(Reason.BAD_VERSION, "version must be >= 0, got " + v);
            }
            return v;
        }
        if (rule.defaultVersion().isPresent()) {
            return rule.defaultVersion().getAsLong();
        }
        if (rule.defaultNowMillis()) {
            return nowMillis;
        }
        throw new RowMappingException(Reason.BAD_VERSION, "version field '" + rule.field() + "' is missing");
    }

    /** The non-blank values of the source's fields joined with its separator, or null if there are none. */
    static String textValue(JsonNode row, Source source) {
        List<String> values = new ArrayList<>();
        for (String field : source.from()) {
            for (String v : values(row, field)) {
                if (!v.isBlank()) {
                    values.add(v.strip());
                }
            }
        }
        return values.isEmpty() ? null : String.join(source.join(), values);
    }

    /** Every value of the source's fields, split per the source, without duplicates, in order. */
    static List<String> listValue(JsonNode row, Source source) {
        Set<String> items = new LinkedHashSet<>();
        for (String field : source.from()) {
            for (String v : values(row, field)) {
                items.addAll(source.splitValue(v));
            }
        }
        return List.copyOf(items);
    }

    private static List<String> values(JsonNode row, String field) {
        JsonNode node = row.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isArray()) {
            List<String> values = new ArrayList<>();
            for (JsonNode element : node) {
                if (!element.isNull()) {
                    values.add(scalar(field, element));
                }
            }
            return values;
        }
        return List.of(scalar(field, node));
    }

    private static String scalar(String field, JsonNode node) {
        if (node.isValueNode()) {
            return node.asText();
        }
        throw new RowMappingException(Reason.WRONG_TYPE,
                "field '" + field + "' must be text, a number or a list of them, got " + node.getNodeType());
    }

    private static String requiredText(JsonNode row, String field, Reason reason, String what) {
        JsonNode node = row.get(field);
        if (node == null || node.isNull()) {
            throw new RowMappingException(reason, what + " field '" + field + "' is missing");
        }
        if (!node.isTextual() && !node.isIntegralNumber()) {
            throw new RowMappingException(Reason.WRONG_TYPE,
                    what + " field '" + field + "' must be a string or an integer, got " + describe(node));
        }
        String value = node.asText().strip();
        if (value.isEmpty()) {
            throw new RowMappingException(reason, what + " field '" + field + "' is blank");
        }
        return value;
    }

    private static String describe(JsonNode node) {
        String text = node.toString();
        return node.getNodeType() + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }
}
