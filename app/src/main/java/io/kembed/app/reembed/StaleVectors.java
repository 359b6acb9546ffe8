package io.kembed.app.reembed;

import io.kembed.core.event.EntityKey;
import io.kembed.core.store.VectorStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stale vectors of a collection, against the alias's model and the latest source state:
 * <ul>
 *   <li>{@code model}: points made by another model than the alias's (a search embeds its query with the alias's
 *       model, so these would be compared with a vector from another space);</li>
 *   <li>{@code version}: entities stored at a version older than their latest event on the change topics (an update
 *       or delete not written yet);</li>
 *   <li>{@code missing}: entities whose latest event is an upsert and that the collection does not hold at all.</li>
 * </ul>
 * A tombstone (null value) carries no version, so an entity whose last event is a tombstone counts in none of them.
 *
 * <p>As metrics ({@link #bind}): gauges {@code kembed.store.stale_vectors{collection, reason=model|version|missing}}
 * reading the last {@link #refresh}; a refresh scans the change topics, so it is run on demand (by
 * {@code kembed reembed stale}, or a scheduled call), never by a scrape.
 */
public final class StaleVectors {

    /** {@link VectorStore#storedVersions} calls take at most this many entities (its contract: a few thousand). */
    static final int BATCH = 2_000;

    /**
     * One count.
     *
     * @param collection the collection counted
     * @param modelId the alias's model it was compared with
     * @param otherModel points made by another model
     * @param olderVersion entities stored at an older version than the source's latest
     * @param missing entities with a latest upsert the collection does not hold
     * @param entities entities of the source state compared (deletes included)
     */
    public record Count(String collection, String modelId, long otherModel, long olderVersion, long missing,
            long entities) {
        /** Whether nothing is stale. */
        public boolean isZero() {
            return otherModel == 0 && olderVersion == 0 && missing == 0;
        }
    }

    private final AtomicReference<Count> last = new AtomicReference<>();

    /**
     * Counts the stale vectors of {@code store}.
     *
     * @param modelId the alias's model
     * @param latest the source state ({@link SourceScan#latest})
     */
    public static Count count(VectorStore store, String modelId, Map<EntityKey, SourceScan.Latest> latest) {
        long older = 0;
        long missing = 0;
        List<EntityKey> keys = new ArrayList<>(latest.keySet());
        for (int from = 0; from < keys.size(); from += BATCH) {
            List<EntityKey> batch = keys.subList(from, Math.min(keys.size(), from + BATCH));
            Map<EntityKey, Long> stored = store.storedVersions(batch);
            for (EntityKey k : batch) {
                SourceScan.Latest l = latest.get(k);
                Long v = stored.get(k);
                if (v == null) {
                    missing += l.deleted() ? 0 : 1;
                } else if (v < l.version()) {
                    older++;
                }
            }
        }
        return new Count(store.collection(), modelId, store.countOtherModels(modelId), older, missing, keys.size());
    }

    /** Counts and keeps the count for the gauges. */
    public Count refresh(VectorStore store, String modelId, Map<EntityKey, SourceScan.Latest> latest) {
        Count c = count(store, modelId, latest);
        last.set(c);
        return c;
    }

    /** The last count, or null before the first {@link #refresh}. */
    public Count last() {
        return last.get();
    }

    /**
     * Registers the gauges of {@code collection}; they read NaN until a refresh.
     */
    public StaleVectors bind(MeterRegistry registry, String collection) {
        gauge(registry, collection, "model", c -> c.otherModel());
        gauge(registry, collection, "version", c -> c.olderVersion());
        gauge(registry, collection, "missing", c -> c.missing());
        return this;
    }

    private void gauge(MeterRegistry registry, String collection, String reason,
            java.util.function.ToLongFunction<Count> value) {
        Gauge.builder("kembed.store.stale_vectors", last, ref -> ref.get() == null ? Double.NaN
                        : value.applyAsLong(ref.get()))
                .tag("collection", collection).tag("reason", reason)
                .description("vectors stale against the alias's model (model) or the latest source version "
                        + "(version), and source entities not stored (missing), at the last count")
                .register(registry);
    }
}
