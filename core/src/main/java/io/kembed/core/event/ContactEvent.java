package io.kembed.core.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code contact.v1}: a person at an organisation. Name, title, company, tags and notes are embedded; emails,
 * phones and attributes are carried for the app but never embedded.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"schema", "op", "tenantId", "contactId", "version", "occurredAt"})
public record ContactEvent(
        String schema,
        Op op,
        String tenantId,
        String contactId,
        long version,
        Instant occurredAt,
        String name,
        String company,
        String title,
        String notes,
        List<String> tags,
        List<String> emails,
        List<String> phones,
        Map<String, String> attributes)
        implements ChangeEvent {

    public static final String SCHEMA = "contact.v1";

    public ContactEvent {
        tags = tags == null ? List.of() : List.copyOf(tags);
        emails = emails == null ? List.of() : List.copyOf(emails);
        phones = phones == null ? List.of() : List.copyOf(phones);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** An upsert with the embedded fields only. */
    public static ContactEvent upsert(String tenantId, String contactId, long version, String name, String company,
            String title, String notes, List<String> tags) {
        return new ContactEvent(SCHEMA, Op.UPSERT, tenantId, contactId, version, Instant.now(), name, company, title,
                notes, tags, null, null, null);
    }

    public static ContactEvent delete(String tenantId, String contactId, long version) {
        return new ContactEvent(SCHEMA, Op.DELETE, tenantId, contactId, version, Instant.now(), null, null, null,
                null, null, null, null, null);
    }

    @Override
    @JsonIgnore
    public String entityId() {
        return contactId;
    }

    @Override
    @JsonIgnore
    public EntityType type() {
        return EntityType.CONTACT;
    }

    /** {@code "name, title, company. notes Tags: a; b"}, skipping absent parts. */
    @Override
    public String embeddableText() {
        if (op == Op.DELETE) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(displayTitle());
        if (sb.length() > 0) {
            sb.append('.');
        }
        appendPart(sb, notes);
        if (!tags.isEmpty()) {
            appendPart(sb, "Tags: " + String.join("; ", tags) + ".");
        }
        return sb.toString();
    }

    @Override
    public String displayTitle() {
        StringBuilder sb = new StringBuilder();
        for (String part : new String[] {name, title, company}) {
            if (part != null && !part.isBlank()) {
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                sb.append(part.strip());
            }
        }
        return sb.toString();
    }

    private static void appendPart(StringBuilder sb, String part) {
        if (part != null && !part.isBlank()) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(part.strip());
        }
    }
}
