package io.kembed.core.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.kembed.core.event.InvalidEventException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * JSON encoding and strict decoding of {@code contact.v1} and {@code document.v1} events.
 *
 * <p>Decoding checks everything a worker must not trip over later: well-formed UTF-8 JSON, a known schema,
 * required fields present with the right JSON types (no coercion of {@code "12"} to {@code 12}), ids within
 * limits and free of control characters, embeddable text within {@link EventLimits#maxTextBytes()}, and a Kafka
 * key that names the same entity as the value. Unknown extra fields are ignored, so producers can add fields
 * within a schema version. Thread-safe.
 */
public final class ChangeEventCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            // "{...}}" or two objects in one record are not one JSON value
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // ALLOW_COERCION_OF_SCALARS does not stop numbers and booleans becoming strings: a name of 7 is a
            // producer bug, not the text "7"
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

    private final EventLimits limits;

    public ChangeEventCodec(EventLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public ChangeEventCodec() {
        this(EventLimits.DEFAULT);
    }

    public EventLimits limits() {
        return limits;
    }

    /** The shared mapper (ISO-8601 instants, no scalar coercion); for callers that write related JSON. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** @return the event as UTF-8 JSON */
    public byte[] encode(ChangeEvent event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + event.key(), e);
        }
    }

    /**
     * Decodes and validates one change-topic record.
     *
     * @param kafkaKey the record key ({@link EntityKey#toKafkaKey()})
     * @param value the record value, or {@code null} for a tombstone
     * @return the entity and its event; the event is {@code null} for a tombstone (a delete)
     * @throws InvalidEventException if the record can never be processed; its {@link InvalidEventException#reason()}
     *     says why
     */
    public Decoded decode(String kafkaKey, byte[] value) {
        EntityKey key;
        try {
            key = EntityKey.parse(kafkaKey);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException(Reason.BAD_KEY, e.getMessage(), e);
        }
        if (value == null) {
            checkId("tenantId", key.tenantId());
            checkId("entity id", key.id());
            return new Decoded(key, null);
        }
        ChangeEvent event = decodeValue(value);
        if (!event.key().equals(key)) {
            throw new InvalidEventException(Reason.KEY_MISMATCH,
                    "record key " + kafkaKey + " does not match the event's entity " + event.key().toKafkaKey());
        }
        return new Decoded(key, event);
    }

    /**
     * Decodes and validates an event without a Kafka key (used by publishers before they send).
     *
     * @throws InvalidEventException as {@link #decode(String, byte[])}
     */
    public ChangeEvent decodeValue(byte[] value) {
        checkUtf8(value);
        JsonNode tree;
        try {
            tree = MAPPER.readTree(value);
        } catch (IOException e) {
            throw new InvalidEventException(Reason.BAD_JSON, "not valid UTF-8 JSON: " + firstLine(e.getMessage()), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidEventException(Reason.BAD_JSON, "event must be a JSON object");
        }
        JsonNode schemaNode = tree.get("schema");
        if (schemaNode == null || schemaNode.isNull()) {
            throw new InvalidEventException(Reason.MISSING_FIELD, "field 'schema' (string) is required");
        }
        if (!schemaNode.isTextual()) {
            throw new InvalidEventException(Reason.WRONG_TYPE, "field 'schema' must be a string, got "
                    + schemaNode.getNodeType());
        }
        EntityType type = EntityType.forSchema(schemaNode.asText());
        if (type == null) {
            throw new InvalidEventException(Reason.UNKNOWN_SCHEMA, "unknown schema '" + schemaNode.asText()
                    + "', expected " + ContactEvent.SCHEMA + " or " + DocumentEvent.SCHEMA);
        }
        String idField = type == EntityType.CONTACT ? "contactId" : "documentId";
        requireText(tree, "op");
        requireText(tree, "tenantId");
        requireText(tree, idField);
        JsonNode version = tree.get("version");
        if (version == null || version.isNull()) {
            throw new InvalidEventException(Reason.MISSING_FIELD, "field 'version' (integer) is required");
        }
        if (!version.canConvertToLong() || !version.isIntegralNumber()) {
            throw new InvalidEventException(Reason.WRONG_TYPE, "field 'version' must be an integer, got "
                    + version.getNodeType());
        }
        ChangeEvent event;
        try {
            event = type == EntityType.CONTACT
                    ? MAPPER.treeToValue(tree, ContactEvent.class)
                    : MAPPER.treeToValue(tree, DocumentEvent.class);
        } catch (InvalidFormatException e) {
            // a refused coercion (a number or boolean where a string belongs) is a wrong JSON type, not a bad value
            boolean wrongType = e.getTargetType() == String.class
                    && (e.getValue() instanceof Number || e.getValue() instanceof Boolean);
            throw new InvalidEventException(wrongType ? Reason.WRONG_TYPE : Reason.INVALID_VALUE, describe(e), e);
        } catch (MismatchedInputException e) {
            throw new InvalidEventException(Reason.WRONG_TYPE, describe(e), e);
        } catch (JsonProcessingException e) {
            Throwable root = e.getCause() != null ? e.getCause() : e;
            throw new InvalidEventException(Reason.INVALID_VALUE, firstLine(root.getMessage()), e);
        }
        validate(event);
        return event;
    }

    private void validate(ChangeEvent event) {
        checkId("tenantId", event.tenantId());
        checkId(event.type() == EntityType.CONTACT ? "contactId" : "documentId", event.entityId());
        if (event.version() < 0) {
            throw new InvalidEventException(Reason.INVALID_VALUE, "version must be >= 0, got " + event.version());
        }
        if (event instanceof ContactEvent c && c.tags().size() > limits.maxTags()) {
            throw new InvalidEventException(Reason.INVALID_VALUE,
                    c.tags().size() + " tags, more than the limit of " + limits.maxTags());
        }
        String text = event.embeddableText();
        if (event.op() == Op.UPSERT && text.isBlank()) {
            throw new InvalidEventException(Reason.MISSING_FIELD, "an upsert needs some text to embed: "
                    + (event.type() == EntityType.CONTACT ? "name, title, company, notes or tags" : "title or body"));
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxTextBytes()) {
            throw new InvalidEventException(Reason.TEXT_TOO_LARGE, "embeddable text is " + bytes
                    + " bytes, more than the limit of " + limits.maxTextBytes() + " bytes");
        }
    }

    private void checkId(String field, String id) {
        if (id == null || id.isBlank()) {
            throw new InvalidEventException(Reason.MISSING_FIELD, "field '" + field + "' must not be blank");
        }
        if (id.length() > limits.maxIdChars()) {
            throw new InvalidEventException(Reason.INVALID_VALUE, "field '" + field + "' is " + id.length()
                    + " chars, more than the limit of " + limits.maxIdChars());
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                throw new InvalidEventException(Reason.INVALID_VALUE,
                        "field '" + field + "' contains a control character at index " + i);
            }
        }
    }

    /**
     * Jackson's UTF-8 parser decodes overlong forms and encoded surrogates (CESU-8) instead of rejecting them; the
     * JDK's decoder is strict, so a value that is not well-formed UTF-8 is rejected here, whatever it contains.
     */
    private static void checkUtf8(byte[] value) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(value));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InvalidEventException(Reason.BAD_JSON, "not valid UTF-8 JSON: " + e, e);
        }
    }

    private static void requireText(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidEventException(Reason.MISSING_FIELD, "field '" + field + "' (string) is required");
        }
        if (!node.isTextual()) {
            throw new InvalidEventException(Reason.WRONG_TYPE,
                    "field '" + field + "' must be a string, got " + node.getNodeType());
        }
    }

    private static String describe(MismatchedInputException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .reduce((a, b) -> a + "." + b)
                .orElse("?");
        return "field '" + path + "': " + firstLine(e.getOriginalMessage());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /**
     * One decoded change-topic record.
     *
     * @param key the entity
     * @param event the event, or {@code null} for a tombstone
     */
    public record Decoded(EntityKey key, ChangeEvent event) {

        /** True for {@code op=delete} and for tombstones alike. */
        public boolean isDelete() {
            return event == null || event.op() == Op.DELETE;
        }
    }
}
