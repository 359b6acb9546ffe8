package io.kembed.sink;

import io.kembed.core.event.EntityKey;
import io.kembed.core.event.Op;
import io.kembed.core.store.VectorPoint;
import io.kembed.core.store.VectorStore;
import io.kembed.core.vector.ChunkVector;
import io.kembed.core.vector.EmbeddingRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The store writes for one poll of the vectors topic. Each {@code vectors.v1} record is the full vector state
 * of an entity, so only the last record per entity in a poll matters; after that coalescing every entity appears
 * once and the writes can be grouped: one upsert call for all points, then the deletes.
 */
final class SinkBatch {

    private final Map<EntityKey, EmbeddingRecord> latest = new LinkedHashMap<>();

    void add(EmbeddingRecord record) {
        latest.remove(record.key());
        latest.put(record.key(), record);
    }

    boolean isEmpty() {
        return latest.isEmpty();
    }

    int entities() {
        return latest.size();
    }

    /** When the source changes of the batch's records happened upstream (null where unknown). */
    List<java.time.Instant> occurredAt() {
        List<java.time.Instant> out = new ArrayList<>(latest.size());
        latest.values().forEach(r -> out.add(r.occurredAt()));
        return out;
    }

    /** Distinct tenants written, for cache invalidation. */
    java.util.Set<String> tenants() {
        java.util.Set<String> t = new java.util.TreeSet<>();
        latest.keySet().forEach(k -> t.add(k.tenantId()));
        return t;
    }

    /**
     * Applies the batch: upserts, left-over chunks, deletes. Idempotent, so a retry after a partial failure is
     * safe.
     *
     * @return points written
     */
    int applyTo(VectorStore store) {
        List<VectorPoint> points = new ArrayList<>();
        List<EntityKey> deletes = new ArrayList<>();
        Map<EntityKey, Integer> staleChunks = new LinkedHashMap<>();
        for (EmbeddingRecord r : latest.values()) {
            if (r.op() == Op.DELETE) {
                deletes.add(r.key());
                continue;
            }
            for (ChunkVector c : r.chunks()) {
                points.add(new VectorPoint(r.key(), c.index(), r.version(), r.modelId(), c.vector(), r.title(),
                        c.snippet()));
            }
            if (r.staleChunksFrom() >= 0) {
                staleChunks.put(r.key(), r.staleChunksFrom());
            }
        }
        if (!points.isEmpty()) {
            store.upsert(points);
        }
        staleChunks.forEach(store::deleteEntity);
        deletes.forEach(k -> store.deleteEntity(k, 0));
        return points.size();
    }
}
