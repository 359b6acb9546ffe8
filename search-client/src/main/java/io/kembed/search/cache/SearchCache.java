package io.kembed.search.cache;

import io.kembed.search.CachedResult;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The two caches of the search path and the per-tenant generation counters that invalidate the second:
 * <ul>
 *   <li>query embeddings, keyed by {@link CacheKeys#queryEmbedding}, kept {@link SearchCacheConfig#queryEmbeddingTtl()};</li>
 *   <li>results, keyed by {@link CacheKeys#result}, which includes the tenant's generation, kept
 *       {@link SearchCacheConfig#resultTtl()}. {@link #bumpGenerations} makes every cached result of a tenant
 *       unreachable with one increment; the old entries expire by TTL.</li>
 * </ul>
 * Implementations: {@link CaffeineSearchCache} (in process, the embedded default) and {@link RedisSearchCache}
 * (shared by every app instance and the sink). No method throws on a backend failure: reads miss, writes are
 * dropped, and {@link #failures()} counts them, so search keeps working uncached. Thread-safe.
 */
public interface SearchCache extends AutoCloseable {

    /** @return the cached query vector, {@code float[dims]}, or empty */
    Optional<float[]> queryEmbedding(String key);

    void putQueryEmbedding(String key, float[] vector);

    Optional<CachedResult> result(String key);

    void putResult(String key, CachedResult result);

    /**
     * The tenant's current generation (0 before the first bump).
     *
     * @return empty if the backend cannot be read: the caller must not use the result cache for this search
     */
    OptionalLong generation(String tenant);

    /** Increments each tenant's generation once: the sink calls it after a batch touching them is durable. */
    void bumpGenerations(Set<String> tenants);

    /** @return backend operations that failed (0 for an in-process cache) */
    long failures();

    @Override
    void close();
}
