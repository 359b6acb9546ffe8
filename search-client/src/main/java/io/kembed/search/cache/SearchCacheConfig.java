package io.kembed.search.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link SearchCache}.
 *
 * @param queryEmbeddingTtl how long a query vector is kept; default {@link #DEFAULT_QUERY_EMBEDDING_TTL} (a vector
 *     only changes with the model, which is part of its key)
 * @param resultTtl how long a result is kept; default {@link #DEFAULT_RESULT_TTL}. Writes invalidate through the
 *     generation counter, so the TTL only bounds memory and the staleness of writes that bypass the sink
 * @param maxEntries most entries per cache in process (Caffeine size bound); Redis relies on TTLs and its own
 *     {@code maxmemory} policy; default 10,000
 * @param keyPrefix prefix of every Redis key, so several deployments can share a Redis; default
 *     {@code kembed:search:}
 * @param commandTimeout most time a Redis command may take before the search goes on uncached; default 250 ms
 */
public record SearchCacheConfig(Duration queryEmbeddingTtl, Duration resultTtl, long maxEntries, String keyPrefix,
        Duration commandTimeout) {

    public static final Duration DEFAULT_QUERY_EMBEDDING_TTL = Duration.ofHours(24);
    public static final Duration DEFAULT_RESULT_TTL = Duration.ofMinutes(10);
    public static final long DEFAULT_MAX_ENTRIES = 10_000;
    public static final String DEFAULT_KEY_PREFIX = "kembed:search:";
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(250);

    public SearchCacheConfig {
        requirePositive(queryEmbeddingTtl, "queryEmbeddingTtl");
        requirePositive(resultTtl, "resultTtl");
        requirePositive(commandTimeout, "commandTimeout");
        if (queryEmbeddingTtl.toSeconds() < 1 || resultTtl.toSeconds() < 1) {
            throw new IllegalArgumentException("TTLs are at least 1 s (Redis EX has second resolution)");
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1, got " + maxEntries);
        }
        Objects.requireNonNull(keyPrefix, "keyPrefix");
    }

    public static SearchCacheConfig defaults() {
        return new SearchCacheConfig(DEFAULT_QUERY_EMBEDDING_TTL, DEFAULT_RESULT_TTL, DEFAULT_MAX_ENTRIES,
                DEFAULT_KEY_PREFIX, DEFAULT_COMMAND_TIMEOUT);
    }

    public SearchCacheConfig withKeyPrefix(String prefix) {
        return new SearchCacheConfig(queryEmbeddingTtl, resultTtl, maxEntries, prefix, commandTimeout);
    }

    public SearchCacheConfig withResultTtl(Duration ttl) {
        return new SearchCacheConfig(queryEmbeddingTtl, ttl, maxEntries, keyPrefix, commandTimeout);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, got " + d);
        }
    }
}
