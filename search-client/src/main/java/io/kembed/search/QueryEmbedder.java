package io.kembed.search;

import java.time.Duration;

/**
 * Turns a query into the vector the store is searched with. Implementations: {@link BiEncoderQueryEmbedder} (in
 * process); an adapter over the Kafka request/reply query-embedding client for production.
 */
public interface QueryEmbedder {

    /** Registry id of the model, part of every cache key (a vector of one model is useless to another). */
    String modelId();

    /** Vector size, {@code dims}. */
    int dims();

    /**
     * Embeds a query (the model's query prefix is the implementation's business).
     *
     * @param timeout most time to wait, where the implementation waits on something (an in-process model runs in
     *     the caller's thread and is not interrupted)
     * @return the L2-normalised query vector, {@code float[dims]}
     * @throws QueryEmbeddingException if the query cannot be embedded in time or at all
     */
    float[] embed(String query, Duration timeout);
}
