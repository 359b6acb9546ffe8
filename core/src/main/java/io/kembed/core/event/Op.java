package io.kembed.core.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a change event does to its entity. Serialised in lower case: {@code "upsert"}, {@code "delete"}. */
public enum Op {
    /** Create the entity or replace its content. */
    UPSERT,
    /** Remove the entity and all its vectors. A Kafka tombstone (null value) means the same. */
    DELETE;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException for anything but {@code upsert} or {@code delete}
     */
    @JsonCreator
    public static Op fromWire(String value) {
        if ("upsert".equals(value)) {
            return UPSERT;
        }
        if ("delete".equals(value)) {
            return DELETE;
        }
        throw new IllegalArgumentException("unknown op '" + value + "', expected upsert or delete");
    }
}
