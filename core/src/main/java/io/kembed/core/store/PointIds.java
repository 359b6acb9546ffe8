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

    private PointIds() {
    }

    /** @return the point id of chunk {@code chunk} of {@code entity} */
    public static UUID of(EntityKey entity, int chunk) {
        return GENERATOR.generate(entity.toKafkaKey() + "#" + chunk);
    }
}
