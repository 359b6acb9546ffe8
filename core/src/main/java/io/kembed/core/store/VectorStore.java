package io.kembed.core.store;

import io.kembed.core.event.EntityKey;
import java.util.List;

/**
 * A collection of vectors with tenant-filtered nearest-neighbour search. Implementations: Qdrant over gRPC and an
 * embedded on-disk Lucene HNSW index. Every implementation passes the same contract test
 * ({@code VectorStoreContract}).
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #upsert} overwrites a point with the same {@link VectorPoint#id() id}: redelivery is idempotent.</li>
 *   <li>{@link #deleteEntity} removes chunks {@code >= fromChunk} of one entity; unknown entities are a no-op.</li>
 *   <li>{@link #search} only ever returns points of the given tenant, best first, at most one hit per point.</li>
 *   <li>Writes are durable and visible to {@link #search} and {@link #count} once {@link #flush()} returns.</li>
 * </ul>
 * Implementations are thread-safe.
 */
public interface VectorStore extends AutoCloseable {

    /** The collection (or index) name this store writes to. */
    String collection();

    /** Vector dimensions this store accepts. */
    int dims();

    /**
     * Writes points, overwriting any with the same id.
     *
     * @throws IllegalArgumentException if a vector's length is not {@link #dims()}
     * @throws VectorStoreException if the backend fails (retriable)
     */
    void upsert(List<VectorPoint> points);

    /**
     * Removes chunks {@code >= fromChunk} of {@code entity} (0 removes the entity).
     *
     * @throws VectorStoreException if the backend fails (retriable)
     */
    void deleteEntity(EntityKey entity, int fromChunk);

    /**
     * Nearest neighbours of {@code query} among the points of {@code tenantId}.
     *
     * @param query L2-normalised query vector, {@code float[dims]}
     * @param k maximum number of hits (top-k)
     * @return at most {@code k} hits, highest cosine first
     * @throws VectorStoreException if the backend fails
     */
    List<SearchHit> search(String tenantId, float[] query, int k);

    /** Number of points of {@code tenantId}, or of all tenants when {@code tenantId} is null. */
    long count(String tenantId);

    /** Makes every preceding write durable and searchable. */
    void flush();

    @Override
    void close();
}
