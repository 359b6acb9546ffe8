package io.kembed.core.vector;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kembed.core.event.EntityKey;
import io.kembed.core.event.EntityType;
import io.kembed.core.event.Op;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * {@code vectors.v1}: the full vector state of one entity version, as the embed worker writes it to the vectors
 * topic (keyed like the change topics, so one entity's records stay ordered). An upsert carries every chunk of
 * the entity: the sink writes them and removes any chunk with a higher index left from an earlier version. A
 * delete carries no chunk and removes them all.
 *
 * @param modelId the registry id of the bi-encoder, for example {@code bge-small-en-v1.5-q}
 * @param dims vector dimensions (384 for the bundled models)
 * @param occurredAt when the source change happened upstream (may be null)
 * @param embeddedAt when the worker produced this record
 * @param title display label of the entity (empty for deletes)
 * @param previousChunkCount chunks the entity had before this record; when it is more than {@code chunks.size()}
 *     the sink deletes the chunks left over (0 when unknown or not more)
 */
public record EmbeddingRecord(
        String schema,
        Op op,
        String tenantId,
        EntityType type,
        String entityId,
        long version,
        String modelId,
        int dims,
        Instant occurredAt,
        Instant embeddedAt,
        String title,
        List<ChunkVector> chunks,
        int previousChunkCount) {

    public static final String SCHEMA = "vectors.v1";

    public EmbeddingRecord {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(entityId, "entityId");
        chunks = chunks == null ? List.of() : List.copyOf(chunks);
        title = title == null ? "" : title;
        for (ChunkVector c : chunks) {
            if (c.vector().length != dims) {
                throw new IllegalArgumentException("chunk " + c.index() + " has " + c.vector().length
                        + " dims, record says " + dims);
            }
        }
    }

    public static EmbeddingRecord upsert(EntityKey key, long version, String modelId, int dims, Instant occurredAt,
            String title, List<ChunkVector> chunks, int previousChunkCount) {
        return new EmbeddingRecord(SCHEMA, Op.UPSERT, key.tenantId(), key.type(), key.id(), version, modelId, dims,
                occurredAt, Instant.now(), title, chunks, previousChunkCount);
    }

    public static EmbeddingRecord delete(EntityKey key, long version, String modelId, int dims, Instant occurredAt) {
        return new EmbeddingRecord(SCHEMA, Op.DELETE, key.tenantId(), key.type(), key.id(), version, modelId, dims,
                occurredAt, Instant.now(), "", List.of(), 0);
    }

    /** For an upsert: the first chunk index the sink must delete, or -1 if no chunk is left over. */
    @JsonIgnore
    public int staleChunksFrom() {
        return op == Op.UPSERT && previousChunkCount > chunks.size() ? chunks.size() : -1;
    }

    @JsonIgnore
    public EntityKey key() {
        return new EntityKey(tenantId, type, entityId);
    }
}
