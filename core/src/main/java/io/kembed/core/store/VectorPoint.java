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
 * @param modelRevision revision of the model's weights ({@code ModelSpec.revision()}); empty when unknown
 */
public record VectorPoint(EntityKey entity, int chunk, long version, String modelId, float[] vector, String title,
        String snippet, String modelRevision) {

    public VectorPoint {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(vector, "vector");
        Objects.requireNonNull(modelId, "modelId");
        title = title == null ? "" : title;
        snippet = snippet == null ? "" : snippet;
        modelRevision = modelRevision == null ? "" : modelRevision;
    }

    /** A point whose model revision is not known (empty). */
    public VectorPoint(EntityKey entity, int chunk, long version, String modelId, float[] vector, String title,
            String snippet) {
        this(entity, chunk, version, modelId, vector, title, snippet, "");
    }

    /** The deterministic point id: {@link PointIds#of(EntityKey, int)}. */
    public UUID id() {
        return PointIds.of(entity, chunk);
    }
}
