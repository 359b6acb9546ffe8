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
 * @param modelRevision the model's revision ({@link io.kembed.core.model.ModelSpec#revision()}, for example
 *     {@code lc4j-1.20.0-beta30-int8}), so every stored vector says which weights made it; empty when unknown
 *     (records written before revisions were recorded decode with it empty)
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
        int previousChunkCount,
        String modelRevision) {

    public static final String SCHEMA = "vectors.v1";

    public EmbeddingRecord {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(entityId, "entityId");
        chunks = chunks == null ? List.of() : List.copyOf(chunks);
        title = title == null ? "" : title;
        modelRevision = modelRevision == null ? "" : modelRevision;
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
                occurredAt, Instant.now(), title, chunks, previousChunkCount, "");
    }

    public static EmbeddingRecord delete(EntityKey key, long version, String modelId, int dims, Instant occurredAt) {
        return new EmbeddingRecord(SCHEMA, Op.DELETE, key.tenantId(), key.type(), key.id(), version, modelId, dims,
                occurredAt, Instant.now(), "", List.of(), 0, "");
    }

    /** This record stamped with the revision of the model that made it. */
    public EmbeddingRecord withModelRevision(String revision) {
        return new EmbeddingRecord(schema, op, tenantId, type, entityId, version, modelId, dims, occurredAt,
                embeddedAt, title, chunks, previousChunkCount, revision);
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
