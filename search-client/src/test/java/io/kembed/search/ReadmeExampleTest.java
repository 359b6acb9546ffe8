package io.kembed.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.event.EntityKey;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.store.VectorPoint;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.rerank.BiEncoderReranker;
import io.kembed.search.cache.RedisSearchCache;
import io.kembed.search.cache.SearchCache;
import io.kembed.search.cache.SearchCacheConfig;
import io.kembed.sink.VectorStores;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's SearchClient example, compiled and run (against the real redis-server). */
class ReadmeExampleTest {

    @TempDir
    Path dir;

    @Test
    void readmeExample_searchesRerankedAndCached() {
        Path cacheDir = Path.of("target", "kembed-models").toAbsolutePath();
        String prefix = "kembed-test:" + UUID.randomUUID() + ":";
        try (BiEncoder encoder = BiEncoder.load(ModelRegistry.get("all-minilm-l6-v2-q"),
                BiEncoderOptions.defaults().withCacheDir(cacheDir));
                BiEncoder fp32 = BiEncoder.load(ModelRegistry.get("all-minilm-l6-v2-q"),
                        BiEncoderOptions.defaults().withCacheDir(cacheDir));
                VectorStore store = VectorStores.lucene(dir, "readme", encoder.spec().dims())) {
            store.upsert(List.of(new VectorPoint(EntityKey.document("acme", "wind"), 0, 1, encoder.spec().id(),
                    encoder.embedPassages(List.of("Offshore wind farms")).get(0).vector(), "Wind",
                    "Offshore wind farms")));
            store.flush();
            String redisUri = RedisCacheUri.URI;

            // --- README example begins ---
            SearchCache cache = RedisSearchCache.create(redisUri,            // or new CaffeineSearchCache(...)
                    SearchCacheConfig.defaults().withKeyPrefix(prefix));
            CandidateReranker reranker = new InProcessCandidateReranker(new BiEncoderReranker(fp32), true);
            try (SearchClient client = SearchClient.builder(store, new BiEncoderQueryEmbedder(encoder))
                    .reranker(reranker)
                    .cache(cache)
                    .options(SearchOptions.defaults().withCandidates(20))
                    .ownsResources(true)                                   // closes reranker and cache
                    .build()) {
                SearchResult r = client.search("acme", "offshore wind energy", 10);
                if (r.rerankStatus().isFallback()) {
                    // vector order: the reranker timed out or failed; r.rerankLabel() says which
                }
                for (SearchResult.Hit hit : r.hits()) {
                    System.out.printf("%s %.3f %s%n", hit.hit().entity().id(), hit.hit().score(), hit.rerankScore());
                }
                // --- README example ends ---
                assertThat(r.rerankStatus()).isEqualTo(RerankStatus.RERANKED);
                assertThat(r.hits()).hasSize(1);
                assertThat(client.search("acme", "offshore wind energy", 10).fromResultCache()).isTrue();
                ((RedisSearchCache) cache).deleteAll();
            }
        }
    }
}
