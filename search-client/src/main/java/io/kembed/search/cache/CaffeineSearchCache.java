package io.kembed.search.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.kembed.search.CachedResult;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-process {@link SearchCache} on Caffeine (size-bounded, expire after write): the embedded default, where
 * the sink and the searches share one JVM. Generation counters live in a map that is never evicted (one
 * {@code long} per tenant). Query vectors are copied in and out, so callers cannot change a cached one.
 */
public final class CaffeineSearchCache implements SearchCache {

    private final Cache<String, float[]> queryEmbeddings;
    private final Cache<String, CachedResult> results;
    private final ConcurrentMap<String, AtomicLong> generations = new ConcurrentHashMap<>();

    public CaffeineSearchCache(SearchCacheConfig config) {
        Objects.requireNonNull(config, "config");
        this.queryEmbeddings = Caffeine.newBuilder().maximumSize(config.maxEntries())
                .expireAfterWrite(config.queryEmbeddingTtl()).build();
        this.results = Caffeine.newBuilder().maximumSize(config.maxEntries())
                .expireAfterWrite(config.resultTtl()).build();
    }

    @Override
    public Optional<float[]> queryEmbedding(String key) {
        float[] v = queryEmbeddings.getIfPresent(key);
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    @Override
    public void putQueryEmbedding(String key, float[] vector) {
        queryEmbeddings.put(key, vector.clone());
    }

    @Override
    public Optional<CachedResult> result(String key) {
        return Optional.ofNullable(results.getIfPresent(key));
    }

    @Override
    public void putResult(String key, CachedResult result) {
        results.put(key, result);
    }

    @Override
    public OptionalLong generation(String tenant) {
        AtomicLong g = generations.get(tenant);
        return OptionalLong.of(g == null ? 0 : g.get());
    }

    @Override
    public void bumpGenerations(Set<String> tenants) {
        for (String tenant : tenants) {
            generations.computeIfAbsent(tenant, t -> new AtomicLong()).incrementAndGet();
        }
    }

    @Override
    public long failures() {
        return 0;
    }

    @Override
    public void close() {
        queryEmbeddings.invalidateAll();
        results.invalidateAll();
    }
}
