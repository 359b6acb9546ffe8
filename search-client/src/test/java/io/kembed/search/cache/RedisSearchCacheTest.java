package io.kembed.search.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.event.EntityKey;
import io.kembed.core.store.SearchHit;
import io.kembed.rerank.Reranker;
import io.kembed.search.CachedResult;
import io.kembed.search.RerankStatus;
import io.kembed.search.SearchResult;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against the real redis-server on 127.0.0.1:6379 (started by .ci/run); every test uses its own key prefix. */
class RedisSearchCacheTest {

    static final String URI = System.getenv().getOrDefault("KEMBED_TEST_REDIS_URI", "redis://127.0.0.1:6379");

    private String prefix;
    private RedisClient admin;
    private StatefulRedisConnection<String, String> adminConnection;
    private RedisCommands<String, String> redis;
    private RedisSearchCache cache;

    @BeforeEach
    void open() {
        prefix = "kembed-test:" + UUID.randomUUID() + ":";
        admin = RedisClient.create(URI);
        adminConnection = admin.connect();
        redis = adminConnection.sync();
        cache = RedisSearchCache.create(URI, SearchCacheConfig.defaults().withKeyPrefix(prefix)
                .withResultTtl(Duration.ofSeconds(120)));
    }

    @AfterEach
    void cleanUp() {
        cache.close();
        List<String> keys = redis.keys(prefix + "*");
        if (!keys.isEmpty()) {
            redis.del(keys.toArray(String[]::new));
        }
        adminConnection.close();
        admin.shutdown();
    }

    @Test
    void queryEmbedding_roundTripsBitExact_underThePrefix_withTheTtl() {
        float[] v = {0.25f, -1.5f, Float.MIN_VALUE, 3.1415927f};
        assertThat(cache.queryEmbedding("qe:m:abc")).isEmpty();
        cache.putQueryEmbedding("qe:m:abc", v);
        assertThat(cache.queryEmbedding("qe:m:abc")).get().isEqualTo(v);
        long ttl = redis.ttl(prefix + "qe:m:abc");
        assertThat(ttl).isBetween(SearchCacheConfig.DEFAULT_QUERY_EMBEDDING_TTL.toSeconds() - 5,
                SearchCacheConfig.DEFAULT_QUERY_EMBEDDING_TTL.toSeconds());
    }

    @Test
    void result_roundTripsAsJson_withTheResultTtl() {
        SearchHit hit = new SearchHit(EntityKey.document("t:1", "doc/1"), 2, 0.75f, 7, "m", "Title", "snippet é");
        CachedResult value = new CachedResult(List.of(new SearchResult.Hit(hit, 3, 1.25f),
                new SearchResult.Hit(hit, 1, null)), RerankStatus.RERANKED, "bi-encoder:x",
                Reranker.Kind.BI_ENCODER_FALLBACK);
        cache.putResult("res:k", value);
        assertThat(cache.result("res:k")).contains(value);
        assertThat(redis.get(prefix + "res:k")).contains("\"rerankStatus\":\"RERANKED\"");
        assertThat(redis.ttl(prefix + "res:k")).isBetween(115L, 120L);
    }

    @Test
    void generation_startsAtZero_andEachBumpIsOneIncr_perTenant() {
        assertThat(cache.generation("a")).hasValue(0);
        cache.bumpGenerations(Set.of("a", "b"));
        cache.bumpGenerations(Set.of("a"));
        assertThat(cache.generation("a")).hasValue(2);
        assertThat(cache.generation("b")).hasValue(1);
        assertThat(cache.generation("c")).hasValue(0);
        assertThat(redis.get(prefix + CacheKeys.generation("a"))).isEqualTo("2");
        assertThat(redis.ttl(prefix + CacheKeys.generation("a"))).as("no expiry").isEqualTo(-1L);
        assertThat(cache.failures()).isZero();
    }

    @Test
    void garbageUnderAResultKey_isAMiss_andCounted() {
        redis.set(prefix + "res:bad", "{not json");
        assertThat(cache.result("res:bad")).isEmpty();
        assertThat(cache.failures()).isEqualTo(1);
    }

    @Test
    void unreachableRedis_missesAndDrops_withoutThrowing() {
        // port 1 on loopback: nothing listens there, the connect is refused at once
        try (RedisSearchCache down = RedisSearchCache.create("redis://127.0.0.1:1", SearchCacheConfig.defaults())) {
            assertThat(down.generation("a")).isEmpty();
            down.putQueryEmbedding("k", new float[] {1f});
            assertThat(down.queryEmbedding("k")).isEmpty();
            down.bumpGenerations(Set.of("a"));
            assertThat(down.isConnected()).isFalse();
            assertThat(down.failures()).isEqualTo(4);
        }
    }

    @Test
    void bumpsThatFail_areOwedPerTenant_untilRedisAnswers() {
        try (RedisSearchCache down = RedisSearchCache.create("redis://127.0.0.1:1", SearchCacheConfig.defaults())) {
            down.bumpGenerations(Set.of("a", "b"));
            down.bumpGenerations(Set.of("a"));
            assertThat(down.pendingBumps()).as("one owed bump per tenant").isEqualTo(2);
        }
        // Redis answering: nothing is owed, and each bump is one increment.
        cache.bumpGenerations(Set.of("a"));
        assertThat(cache.pendingBumps()).isZero();
        assertThat(cache.generation("a")).hasValue(1);
    }
}
