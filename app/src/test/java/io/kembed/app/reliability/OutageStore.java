package io.kembed.app.reliability;

import io.kembed.core.event.EntityKey;
import io.kembed.core.store.SearchHit;
import io.kembed.core.store.VectorPoint;
import io.kembed.core.store.VectorStore;
import io.kembed.core.store.VectorStoreException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection for the vector store: a decorator that fails every operation with {@link VectorStoreException}
 * (the store's retriable failure, as a Qdrant timeout or refused connection surfaces) for the length of an
 * {@link #outage}. A decorator, not a real outage, because no Qdrant server can run on the build machines and the
 * embedded Lucene store has no network to cut.
 *
 * <p>It also records what became durable: the highest version of each entity written ({@link #upsert},
 * {@link #tombstone}) before a successful {@link #flush()}, so a test can check that the sink never commits an
 * offset past a record whose write is not durable.
 */
final class OutageStore implements VectorStore {

    private final VectorStore delegate;
    private volatile long downUntilNanos = System.nanoTime();
    private final AtomicLong refused = new AtomicLong();
    private final Map<EntityKey, Long> unflushed = new HashMap<>(); // guarded by this
    private final Map<EntityKey, Long> durable = new ConcurrentHashMap<>();

    OutageStore(VectorStore delegate) {
        this.delegate = delegate;
    }

    /** Every operation fails from now for {@code length}. */
    void outage(Duration length) {
        downUntilNanos = System.nanoTime() + length.toNanos();
    }

    boolean isDown() {
        return System.nanoTime() < downUntilNanos;
    }

    /** Operations refused so far. */
    long refused() {
        return refused.get();
    }

    /** Entity to the highest version made durable by a successful flush (a copy). */
    Map<EntityKey, Long> durable() {
        return Map.copyOf(durable);
    }

    private void check(String op) {
        if (isDown()) {
            refused.incrementAndGet();
            throw new VectorStoreException("injected outage: " + op + " refused", null);
        }
    }

    @Override
    public String collection() {
        return delegate.collection();
    }

    @Override
    public int dims() {
        return delegate.dims();
    }

    @Override
    public void upsert(List<VectorPoint> points) {
        check("upsert");
        delegate.upsert(points);
        synchronized (this) {
            points.forEach(p -> unflushed.merge(p.entity(), p.version(), Math::max));
        }
    }

    @Override
    public void deleteEntity(EntityKey entity, int fromChunk) {
        check("deleteEntity");
        delegate.deleteEntity(entity, fromChunk);
    }

    @Override
    public void tombstone(EntityKey entity, long version) {
        check("tombstone");
        delegate.tombstone(entity, version);
        synchronized (this) {
            unflushed.merge(entity, version, Math::max);
        }
    }

    @Override
    public Map<EntityKey, Long> storedVersions(Collection<EntityKey> entities) {
        check("storedVersions");
        return delegate.storedVersions(entities);
    }

    @Override
    public List<SearchHit> search(String tenantId, float[] query, int k) {
        check("search");
        return delegate.search(tenantId, query, k);
    }

    @Override
    public long count(String tenantId) {
        check("count");
        return delegate.count(tenantId);
    }

    @Override
    public void flush() {
        check("flush");
        synchronized (this) {
            delegate.flush();
            unflushed.forEach((k, v) -> durable.merge(k, v, Math::max));
            unflushed.clear();
        }
    }

    @Override
    public void close() {
        delegate.close();
    }
}
