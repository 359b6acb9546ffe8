package io.kembed.search.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class CaffeineSearchCacheTest {

    @Test
    void generations_countBumpsPerTenant() {
        try (CaffeineSearchCache cache = new CaffeineSearchCache(SearchCacheConfig.defaults())) {
            assertThat(cache.generation("a")).hasValue(0);
            cache.bumpGenerations(Set.of("a", "b"));
            cache.bumpGenerations(Set.of("a"));
            assertThat(cache.generation("a")).hasValue(2);
            assertThat(cache.generation("b")).hasValue(1);
        }
    }

    @Test
    void cachedVector_cannotBeChangedThroughTheArrayGivenOrReturned() {
        try (CaffeineSearchCache cache = new CaffeineSearchCache(SearchCacheConfig.defaults())) {
            float[] v = {1f, 2f};
            cache.putQueryEmbedding("k", v);
            v[0] = 9f;
            cache.queryEmbedding("k").orElseThrow()[1] = 9f;
            assertThat(cache.queryEmbedding("k")).get().isEqualTo(new float[] {1f, 2f});
        }
    }
}
