package io.kembed.core.event;

import java.util.Locale;

/** The kinds of entity kembed embeds; each has its own compacted change topic and event schema. */
public enum EntityType {
    CONTACT("contact.v1"),
    DOCUMENT("document.v1");

    private final String schema;

    EntityType(String schema) {
        this.schema = schema;
    }

    /** The event schema id this type is published under, for example {@code contact.v1}. */
    public String schema() {
        return schema;
    }

    /** The lower-case name used in Kafka keys and store payloads: {@code contact}, {@code document}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for an unknown name */
    public static EntityType fromWire(String wire) {
        for (EntityType t : values()) {
            if (t.wire().equals(wire)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown entity type '" + wire + "'");
    }

    /** @return the type whose schema id is {@code schema}, or {@code null} if none is */
    public static EntityType forSchema(String schema) {
        for (EntityType t : values()) {
            if (t.schema.equals(schema)) {
                return t;
            }
        }
        return null;
    }
}
