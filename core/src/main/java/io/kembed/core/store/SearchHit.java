package io.kembed.core.store;

import io.kembed.core.event.EntityKey;

/**
 * One search result.
 *
 * @param entity the matching entity
 * @param chunk the best-matching chunk of it
 * @param score cosine similarity between query and chunk vector, in [-1, 1] (higher is closer)
 * @param version source version of the stored vector
 * @param modelId model that made the stored vector
 * @param title display label of the entity
 * @param snippet start of the chunk's text (at most {@code ChunkVector.SNIPPET_CHARS} = 1,024 chars); the passage a
 *     reranker reads for this hit
 */
public record SearchHit(EntityKey entity, int chunk, float score, long version, String modelId, String title,
        String snippet) {
}
