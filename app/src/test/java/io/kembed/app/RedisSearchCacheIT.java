package io.kembed.app;

import io.kembed.search.cache.RedisSearchCache;
import io.kembed.search.cache.SearchCache;
import io.kembed.search.cache.SearchCacheConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;

/**
 * {@link AbstractSearchCacheIT} with the production cache: the sink bumps generations with INCR in the real
 * redis-server on 127.0.0.1:6379, under a key prefix of its own, removed afterwards.
 */
class RedisSearchCacheIT extends AbstractSearchCacheIT {

    private static final String URI = System.getenv().getOrDefault("KEMBED_TEST_REDIS_URI", "redis://127.0.0.1:6379");

    private final String prefix = "kembed-it:" + UUID.randomUUID() + ":";
    private final RedisSearchCache cache = RedisSearchCache.create(URI,
            SearchCacheConfig.defaults().withKeyPrefix(prefix));

    @Override
    SearchCache cache() {
        return cache;
    }

    @AfterAll
    void removeKeys() {
        RedisClient admin = RedisClient.create(URI);
        try (StatefulRedisConnection<String, String> c = admin.connect()) {
            List<String> keys = c.sync().keys(prefix + "*");
            if (!keys.isEmpty()) {
                c.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            admin.shutdown();
        }
    }
}
