package io.kembed.core.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Map;

/**
 * {@code document.v1}: a document whose title and body are embedded. A body longer than the model's maximum
 * input is split into overlapping token-aware chunks, one vector each. {@code url}, {@code lang} and
 * {@code metadata} travel with it but are not embedded.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"schema", "op", "tenantId", "documentId", "version", "occurredAt"})
public record DocumentEvent(
        String schema,
        Op op,
        String tenantId,
        String documentId,
        long version,
        Instant occurredAt,
        String title,
        String body,
        String url,
        String lang,
        Map<String, String> metadata)
        implements ChangeEvent {

    public static final String SCHEMA = "document.v1";

    public DocumentEvent {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public static DocumentEvent upsert(String tenantId, String documentId, long version, String title, String body) {
        return new DocumentEvent(SCHEMA, Op.UPSERT, tenantId, documentId, version, Instant.now(), title, body, null,
                null, null);
    }

    public static DocumentEvent delete(String tenantId, String documentId, long version) {
        return new DocumentEvent(SCHEMA, Op.DELETE, tenantId, documentId, version, Instant.now(), null, null, null,
                null, null);
    }

    @Override
    @JsonIgnore
    public String entityId() {
        return documentId;
    }

    @Override
    @JsonIgnore
    public EntityType type() {
        return EntityType.DOCUMENT;
    }

    /** {@code "title\n\nbody"}, or whichever of the two is present. */
    @Override
    public String embeddableText() {
        if (op == Op.DELETE) {
            return "";
        }
        boolean hasTitle = title != null && !title.isBlank();
        boolean hasBody = body != null && !body.isBlank();
        if (hasTitle && hasBody) {
            return title.strip() + "\n\n" + body.strip();
        }
        return hasTitle ? title.strip() : hasBody ? body.strip() : "";
    }

    @Override
    public String displayTitle() {
        return title == null ? "" : title.strip();
    }
}
