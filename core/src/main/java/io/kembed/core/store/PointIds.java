package io.kembed.core.store;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.NameBasedGenerator;
import io.kembed.core.event.EntityKey;
import java.util.UUID;

/**
 * Deterministic point ids, so a redelivered vector overwrites itself instead of adding a duplicate:
 * UUIDv5 (RFC 9562, SHA-1 name-based) of {@code tenant/type/id#chunk} in the kembed namespace.
 */
public final class PointIds {

    /** kembed's UUIDv5 namespace: UUIDv5 of "kembed.io" in the RFC 9562 DNS namespace. */
    public static final UUID NAMESPACE = Generators
            .nameBasedGenerator(NameBasedGenerator.NAMESPACE_DNS)
            .generate("kembed.io");

    private static final NameBasedGenerator GENERATOR = Generators.nameBasedGenerator(NAMESPACE);

    /**
     * The chunk index of an entity's delete marker ({@code VectorStore.tombstone}): real chunks are {@code >= 0},
     * so the marker's id never collides with a chunk's and a delete of chunks {@code >= n} leaves it alone.
     */
    public static final int MARKER_CHUNK = -1;

    private PointIds() {
    }

    /** @return the point id of chunk {@code chunk} of {@code entity} ({@link #MARKER_CHUNK} for its delete marker) */
    public static UUID of(EntityKey entity, int chunk) {
        return GENERATOR.generate(entity.toKafkaKey() + "#" + chunk);
    }

    /** @return the point id of the delete marker of {@code entity}: {@code of(entity, MARKER_CHUNK)} */
    public static UUID marker(EntityKey entity) {
        return of(entity, MARKER_CHUNK);
    }
}
