package io.kembed.core.store;

import io.kembed.core.event.EntityKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A collection of vectors with tenant-filtered nearest-neighbour search. Implementations: Qdrant over gRPC and an
 * embedded on-disk Lucene HNSW index. Every implementation passes the same contract test
 * ({@code VectorStoreContract}).
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #upsert} overwrites a point with the same {@link VectorPoint#id() id}: redelivery is idempotent.</li>
 *   <li>{@link #deleteEntity} removes chunks {@code >= fromChunk} of one entity; unknown entities are a no-op.</li>
 *   <li>{@link #tombstone} removes an entity and leaves a <em>delete marker</em> holding the delete's version, so
 *       {@link #storedVersions} still knows the entity was deleted at that version and a caller can refuse an older
 *       upsert. Markers never appear in {@link #search} or {@link #count}. An {@link #upsert} of any chunk of the
 *       entity removes its marker.</li>
 *   <li>The store does not compare versions itself: the caller (the sink) reads {@link #storedVersions} and skips
 *       what is older.</li>
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
     * Removes every chunk of {@code entity} and records a delete marker at {@code version} (replacing an earlier
     * marker), so that {@link #storedVersions} reports {@code version} for the entity until an {@link #upsert}
     * writes it again. The marker is invisible to {@link #search} and {@link #count}.
     *
     * @param version the source version of the delete, {@code >= 0}
     * @throws IllegalArgumentException if {@code version < 0}
     * @throws VectorStoreException if the backend fails (retriable); the delete is then safe to repeat
     */
    void tombstone(EntityKey entity, long version);

    /**
     * The version each of {@code entities} is stored at: the {@link VectorPoint#version() version} of its chunk 0,
     * or of its delete marker ({@link #tombstone}), whichever is higher. An entity with neither is absent from the
     * map. Reflects every write that returned before this call, flushed or not (read-your-writes), so the sink can
     * compare a poll's records with what the poll before wrote.
     *
     * @param entities at most a few thousand entities (one poll of the vectors topic); duplicates are allowed
     * @return entity to stored version; never null
     * @throws VectorStoreException if the backend fails (retriable)
     */
    Map<EntityKey, Long> storedVersions(Collection<EntityKey> entities);

    /**
     * Nearest neighbours of {@code query} among the points of {@code tenantId}.
     *
     * @param query L2-normalised query vector, {@code float[dims]}
     * @param k maximum number of hits (top-k)
     * @return at most {@code k} hits, highest cosine first
     * @throws VectorStoreException if the backend fails
     */
    List<SearchHit> search(String tenantId, float[] query, int k);

    /**
     * Number of points of {@code tenantId}, or of all tenants when {@code tenantId} is null; delete markers are not
     * points and are not counted.
     */
    long count(String tenantId);

    /**
     * Number of points (all tenants, delete markers excluded) whose {@link VectorPoint#modelId() model} is not
     * {@code modelId}: vectors a search embedding its query with {@code modelId} must not be compared with.
     *
     * @throws UnsupportedOperationException if the backend cannot count by model (the default)
     * @throws VectorStoreException if the backend fails (retriable)
     */
    default long countOtherModels(String modelId) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot count by model");
    }

    /** Makes every preceding write durable and searchable. */
    void flush();

    @Override
    void close();
}
