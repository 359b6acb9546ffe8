package io.kembed.core.store;

import io.kembed.core.event.EntityKey;
import java.util.Objects;
import java.util.UUID;

/**
 * One stored vector: a chunk of an entity.
 *
 * @param entity the entity the chunk belongs to (tenant, type, id)
 * @param chunk chunk index, 0-based
 * @param version the source event version this vector was embedded from
 * @param modelId registry id of the model that made the vector
 * @param vector L2-normalised embedding, {@code float[dims]}
 * @param title display label of the entity
 * @param snippet start of the chunk's text (at most {@code ChunkVector.SNIPPET_CHARS} = 1,024 chars); the passage a
 *     reranker reads for this hit
 */
public record VectorPoint(EntityKey entity, int chunk, long version, String modelId, float[] vector, String title,
        String snippet) {

    public VectorPoint {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(vector, "vector");
        Objects.requireNonNull(modelId, "modelId");
        title = title == null ? "" : title;
        snippet = snippet == null ? "" : snippet;
    }

    /** The deterministic point id: {@link PointIds#of(EntityKey, int)}. */
    public UUID id() {
        return PointIds.of(entity, chunk);
    }
}
