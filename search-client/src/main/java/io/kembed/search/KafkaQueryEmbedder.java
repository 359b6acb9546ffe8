package io.kembed.search;

import io.kembed.embed.query.QueryEmbedClient;
import io.kembed.embed.query.QueryEmbedTimeoutException;
import io.kembed.embed.query.QueryEmbedding;
import java.time.Duration;
import java.util.Objects;

/**
 * Embeds queries through the embed workers' query lane over Kafka request/reply ({@link QueryEmbedClient}): the
 * production {@link QueryEmbedder}, so search processes need no model of their own. Thread-safe.
 */
public final class KafkaQueryEmbedder implements QueryEmbedder, AutoCloseable {

    private final QueryEmbedClient client;
    private final String modelId;
    private final int dims;
    private final boolean ownsClient;

    /**
     * @param client the request/reply client
     * @param modelId registry id of the model the workers serve (the cache keys carry it; a reply from another
     *     model is refused)
     * @param dims the model's vector size
     * @param ownsClient whether {@link #close()} closes the client
     */
    public KafkaQueryEmbedder(QueryEmbedClient client, String modelId, int dims, boolean ownsClient) {
        this.client = Objects.requireNonNull(client, "client");
        this.modelId = Objects.requireNonNull(modelId, "modelId");
        if (dims < 1) {
            throw new IllegalArgumentException("dims must be >= 1, got " + dims);
        }
        this.dims = dims;
        this.ownsClient = ownsClient;
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int dims() {
        return dims;
    }

    /**
     * @throws QueryEmbeddingException timed out ({@link QueryEmbeddingException#timedOut()}), answered with an
     *     error, or answered by a worker of another model or vector size
     */
    @Override
    public float[] embed(String query, Duration timeout) {
        QueryEmbedding e;
        try {
            e = client.embedBlocking(query, timeout);
        } catch (QueryEmbedTimeoutException t) {
            throw new QueryEmbeddingException("query embedding timed out after " + timeout.toMillis()
                    + " ms: no embed worker answered on the query lane", true, t);
        } catch (RuntimeException failure) {
            throw new QueryEmbeddingException("query embedding failed: " + failure.getMessage(), false, failure);
        }
        if (!modelId.equals(e.model()) || e.dims() != dims) {
            throw new QueryEmbeddingException("query embedded by " + e.model() + " (" + e.dims() + " dims), expected "
                    + modelId + " (" + dims + " dims)", false, null);
        }
        return e.vector();
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
