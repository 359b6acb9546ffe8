package io.kembed.core.event;

import java.time.Instant;

/**
 * A versioned change to one entity, as published by an upstream app to that entity type's compacted change
 * topic. Events of one entity carry increasing {@link #version()}s; the pipeline never applies a version older
 * than the one it has stored.
 */
public sealed interface ChangeEvent permits ContactEvent, DocumentEvent {

    /** Schema id, for example {@code contact.v1}. */
    String schema();

    Op op();

    String tenantId();

    /** The entity's id within its tenant and type. */
    String entityId();

    /** Increasing per entity; compared, never trusted to be dense. */
    long version();

    /** When the change happened upstream (may be null if the publisher did not say). */
    Instant occurredAt();

    EntityType type();

    default EntityKey key() {
        return new EntityKey(tenantId(), type(), entityId());
    }

    /**
     * The text the bi-encoder embeds for this entity (without any model prefix), or an empty string for a delete.
     * Fields that are not meant for search (emails, phones, url, metadata) are never part of it.
     */
    String embeddableText();

    /** A short human-readable label for search results, for example "Jane Doe, CEO, Acme". */
    String displayTitle();
}
