package io.kembed.sink;

import io.kembed.core.event.EntityKey;
import io.kembed.core.event.Op;
import io.kembed.core.store.VectorPoint;
import io.kembed.core.store.VectorStore;
import io.kembed.core.vector.ChunkVector;
import io.kembed.core.vector.EmbeddingRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The store writes for one poll of the vectors topic, applied conditionally on the stored versions.
 *
 * <p>Each {@code vectors.v1} record is the full vector state of an entity version, so per entity only the record
 * with the <em>highest version</em> in a poll matters (among equal versions, the last to arrive). Versions, not
 * arrival order, decide: after partitions are added to the change topics an entity's older events can still be
 * embedded from its old partition after newer ones from its new partition, so an older record can follow a newer
 * one.
 *
 * <p>Before writing, the batch reads the entities' stored versions ({@link VectorStore#storedVersions}, which
 * includes delete markers) and skips every record older than what is stored: counted as {@link #stale()}. A
 * record of the same version is written again (redelivery is idempotent). Deletes go through
 * {@link VectorStore#tombstone} so the store remembers their version and an older upsert cannot resurrect the
 * entity.
 *
 * <p><b>Left-over chunks.</b> A record's {@code previousChunkCount} describes the store as the record before it
 * left it. When a poll holds several versions of an entity only the highest is written, so the records it
 * supersedes never are: the highest one's count then describes a state the store never reached (for example v4
 * short after v3 long, then v6 short: v6 says 1 chunk before it, but the store still holds v3's 6). The batch
 * therefore deletes past the written record's chunks using the most chunks any upsert of the poll says the entity
 * had, and whenever any of them did not know ({@code 0}) and the store holds the entity.
 */
final class SinkBatch {

    private final Map<EntityKey, EmbeddingRecord> latest = new LinkedHashMap<>();
    /** Per entity, the most chunks any upsert of this poll says the entity had before it. */
    private final Map<EntityKey, Integer> mostPreviousChunks = new HashMap<>();
    /** Entities with an upsert in this poll whose embed task did not know the previous chunk count. */
    private final Set<EntityKey> previousChunksUnknown = new HashSet<>();
    private int supersededInPoll;

    /** Keeps {@code record} unless the batch holds a higher version of its entity. */
    void add(EmbeddingRecord record) {
        if (record.op() == Op.UPSERT) {
            mostPreviousChunks.merge(record.key(), record.previousChunkCount(), Math::max);
            if (record.previousChunkCount() == 0) {
                previousChunksUnknown.add(record.key());
            }
        }
        EmbeddingRecord held = latest.get(record.key());
        if (held != null && held.version() > record.version()) {
            supersededInPoll++;
            return;
        }
        latest.put(record.key(), record);
    }

    boolean isEmpty() {
        return latest.isEmpty();
    }

    int entities() {
        return latest.size();
    }

    /** When the source changes of the batch's records happened upstream (null where unknown). */
    List<Instant> occurredAt() {
        List<Instant> out = new ArrayList<>(latest.size());
        latest.values().forEach(r -> out.add(r.occurredAt()));
        return out;
    }

    /** Distinct tenants written, for cache invalidation. */
    Set<String> tenants() {
        Set<String> t = new TreeSet<>();
        latest.keySet().forEach(k -> t.add(k.tenantId()));
        return t;
    }

    /**
     * Applies the batch: reads the stored versions, then writes the records not older than them: upserts (one
     * call), left-over chunks, deletes. Idempotent, so a retry after a partial failure is safe: what the failed
     * attempt wrote is stored at the record's own version, which an equal version re-applies.
     *
     * @return points written and records skipped as stale (older than the stored version, or than another record
     *     of the same entity in this poll that arrived before them)
     * @throws io.kembed.core.store.VectorStoreException if the store fails (retriable)
     */
    Applied applyTo(VectorStore store) {
        Map<EntityKey, Long> stored = store.storedVersions(latest.keySet());
        List<VectorPoint> points = new ArrayList<>();
        List<EmbeddingRecord> deletes = new ArrayList<>();
        Map<EntityKey, Integer> leftoverChunks = new LinkedHashMap<>();
        int stale = supersededInPoll;
        for (EmbeddingRecord r : latest.values()) {
            Long storedVersion = stored.get(r.key());
            if (storedVersion != null && r.version() < storedVersion) {
                stale++;
                continue;
            }
            if (r.op() == Op.DELETE) {
                deletes.add(r);
                continue;
            }
            for (ChunkVector c : r.chunks()) {
                points.add(new VectorPoint(r.key(), c.index(), r.version(), r.modelId(), c.vector(), r.title(),
                        c.snippet(), r.modelRevision()));
            }
            int from = leftoverChunksFrom(r.chunks().size(), mostPreviousChunks.getOrDefault(r.key(), 0),
                    previousChunksUnknown.contains(r.key()), storedVersion != null);
            if (from >= 0) {
                leftoverChunks.put(r.key(), from);
            }
        }
        if (!points.isEmpty()) {
            store.upsert(points);
        }
        leftoverChunks.forEach(store::deleteEntity);
        deletes.forEach(r -> store.tombstone(r.key(), r.version()));
        return new Applied(points.size(), stale);
    }

    /**
     * The first chunk index of an upsert's entity to delete after writing it, or -1. The embed worker says how many
     * chunks the entity had before each record ({@code previousChunkCount}); 0 means it did not know, for example
     * for a key that moved to a new partition whose task has no state for it. Then, if the store holds the entity,
     * chunks past this record's are removed in case an earlier version had more.
     *
     * @param chunks chunks of the upsert written
     * @param mostPrevious the most chunks any upsert of the poll for this entity says it had before it
     * @param previousUnknown whether any upsert of the poll for this entity did not know
     * @param stored whether the store holds the entity (a chunk or a delete marker)
     */
    static int leftoverChunksFrom(int chunks, int mostPrevious, boolean previousUnknown, boolean stored) {
        if (mostPrevious > chunks) {
            return chunks;
        }
        return previousUnknown && stored ? chunks : -1;
    }

    /**
     * The outcome of {@link #applyTo}.
     *
     * @param points points (chunk vectors) written
     * @param stale records skipped because a higher version of their entity was stored or in the same poll
     */
    record Applied(int points, int stale) {
    }
}
