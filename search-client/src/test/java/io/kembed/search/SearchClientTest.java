package io.kembed.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.event.EntityKey;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.store.VectorPoint;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.rerank.BiEncoderReranker;
import io.kembed.rerank.RerankResult;
import io.kembed.rerank.Reranker;
import io.kembed.search.SearchCounters.Cache;
import io.kembed.search.cache.CaffeineSearchCache;
import io.kembed.search.cache.RedisSearchCache;
import io.kembed.search.cache.SearchCacheConfig;
import io.kembed.sink.VectorStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SearchClient over a real Lucene store and a real (small, int8) bi-encoder. */
class SearchClientTest {

    private static final String TENANT = "acme";
    private static final List<String> TEXTS = List.of(
            "Offshore wind farms in the North Sea supply electricity to millions of homes.",
            "The central bank raised interest rates to fight inflation.",
            "Solar panels on rooftops cut household energy bills.",
            "The football club signed a new striker for the season.",
            "Tomatoes grow best in warm, sunny weather.");

    private static BiEncoder encoder;

    @TempDir
    Path dir;

    private VectorStore store;
    private CountingEmbedder embedder;

    @BeforeAll
    static void load() {
        encoder = BiEncoder.load(ModelRegistry.get("all-minilm-l6-v2-q"),
                BiEncoderOptions.defaults().withCacheDir(Path.of("target", "kembed-models").toAbsolutePath()));
    }

    @AfterAll
    static void unload() {
        encoder.close();
    }

    @BeforeEach
    void open() {
        store = VectorStores.lucene(dir, "c", encoder.spec().dims());
        for (int i = 0; i < TEXTS.size(); i++) {
            write(TENANT, "d" + i, 1, TEXTS.get(i));
            write("other", "o" + i, 1, TEXTS.get(i));
        }
        embedder = new CountingEmbedder(new BiEncoderQueryEmbedder(encoder));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void write(String tenant, String id, long version, String text) {
        store.upsert(List.of(new VectorPoint(EntityKey.document(tenant, id), 0, version, encoder.spec().id(),
                encoder.embedPassages(List.of(text)).get(0).vector(), id, text)));
        store.flush();
    }

    private SearchClient.Builder client() {
        return SearchClient.builder(store, embedder);
    }

    @Test
    void repeatedSearch_isServedFromTheResultCache_andANewKReusesTheQueryVector() {
        try (SearchClient client = client().cache(new CaffeineSearchCache(SearchCacheConfig.defaults()))
                .ownsResources(true).build()) {
            SearchResult first = client.search(TENANT, "wind power at sea", 3);
            SearchResult second = client.search(TENANT, "wind power at sea", 3);
            SearchResult otherK = client.search(TENANT, "wind power at sea", 2);

            assertThat(first.fromResultCache()).isFalse();
            assertThat(first.hits().get(0).hit().entity().id()).isEqualTo("d0");
            assertThat(first.hits()).allMatch(h -> h.hit().entity().tenantId().equals(TENANT));
            assertThat(second.fromResultCache()).isTrue();
            assertThat(second.hits()).isEqualTo(first.hits());
            assertThat(otherK.fromResultCache()).isFalse();
            assertThat(otherK.queryEmbeddingCached()).isTrue();
            assertThat(embedder.calls.get()).isEqualTo(1);
            assertThat(client.counters().hits(Cache.RESULT)).isEqualTo(1);
            assertThat(client.counters().misses(Cache.RESULT)).isEqualTo(2);
            assertThat(client.counters().hits(Cache.QUERY_EMBEDDING)).isEqualTo(1);
            assertThat(client.counters().misses(Cache.QUERY_EMBEDDING)).isEqualTo(1);
        }
    }

    @Test
    void bumpingTheTenantsGeneration_showsTheNewState_andLeavesOtherTenantsCached() {
        try (SearchClient client = client().cache(new CaffeineSearchCache(SearchCacheConfig.defaults())).build()) {
            client.search(TENANT, "football transfer", 1);
            client.search("other", "football transfer", 1);
            write(TENANT, "d3", 2, "The cricket team lost the final.");
            // still the cached answer: the write has not been announced
            assertThat(client.search(TENANT, "football transfer", 1).hits().get(0).hit().version()).isEqualTo(1);

            client.cache().bumpGenerations(Set.of(TENANT));

            SearchResult fresh = client.search(TENANT, "football transfer", 1);
            assertThat(fresh.fromResultCache()).isFalse();
            assertThat(fresh.hits().get(0).hit().version()).isEqualTo(2);
            assertThat(client.search("other", "football transfer", 1).fromResultCache()).isTrue();
        }
    }

    @Test
    void biEncoderFallbackReranker_ordersByItsScore_andIsLabelled() {
        try (SearchClient client = client()
                .reranker(new InProcessCandidateReranker(new BiEncoderReranker(encoder), true))
                .options(SearchOptions.defaults().withCandidates(5)).ownsResources(true).build()) {
            SearchResult r = client.search(TENANT, "renewable energy", 3);
            assertThat(r.rerankStatus()).isEqualTo(RerankStatus.RERANKED);
            assertThat(r.rerankerKind()).isEqualTo(Reranker.Kind.BI_ENCODER_FALLBACK);
            assertThat(r.rerankerId()).isEqualTo("bi-encoder:all-minilm-l6-v2-q");
            assertThat(r.rerankLabel()).isEqualTo("RERANKED by bi-encoder:all-minilm-l6-v2-q (BI_ENCODER_FALLBACK)");
            assertThat(r.hits()).hasSize(3);
            List<Float> scores = r.hits().stream().map(SearchResult.Hit::rerankScore).toList();
            assertThat(scores).doesNotContainNull().isSortedAccordingTo((a, b) -> Float.compare(b, a));
            assertThat(r.hits().stream().map(h -> h.hit().entity().id()))
                    .containsAnyOf("d0", "d2").doesNotContain("d3");
        }
    }

    @Test
    void rerankerOrder_isApplied_withVectorRanksKept() {
        try (SearchClient client = client().reranker(new ReversingReranker())
                .options(SearchOptions.defaults().withCandidates(5)).build()) {
            SearchResult plain = client.search(TENANT, "renewable energy", 5);
            assertThat(plain.rerankStatus()).isEqualTo(RerankStatus.RERANKED);
            assertThat(plain.hits().stream().map(SearchResult.Hit::vectorRank)).containsExactly(5, 4, 3, 2, 1);
        }
    }

    @Test
    void rerankTimeout_fallsBackToVectorOrder_flagged_andIsNotCached() {
        CountDownLatch never = new CountDownLatch(1);
        Reranker stuck = new Reranker() {
            public String id() { return "stuck"; }
            public Kind kind() { return Kind.CROSS_ENCODER; }
            public List<RerankResult> rerank(String q, List<String> p, int n) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return List.of();
            }
            public void close() { }
        };
        try (SearchClient client = client().reranker(new InProcessCandidateReranker(stuck, true))
                .cache(new CaffeineSearchCache(SearchCacheConfig.defaults()))
                .options(SearchOptions.defaults().withRerankTimeout(Duration.ofMillis(50))).ownsResources(true)
                .build()) {
            SearchResult r = client.search(TENANT, "renewable energy", 3);
            assertThat(r.rerankStatus()).isEqualTo(RerankStatus.FALLBACK_TIMEOUT);
            assertThat(r.rerankStatus().isFallback()).isTrue();
            assertThat(r.rerankerId()).isEqualTo("stuck");
            assertThat(r.hits().stream().map(SearchResult.Hit::vectorRank)).containsExactly(1, 2, 3);
            assertThat(r.hits()).allMatch(h -> h.rerankScore() == null);
            assertThat(client.search(TENANT, "renewable energy", 3).fromResultCache()).isFalse();
            assertThat(client.counters().rerank(RerankStatus.FALLBACK_TIMEOUT)).isEqualTo(2);
        }
    }

    @Test
    void abandonedReranks_occupyTheirSlots_soTheNextSearchFallsBackAtOnce() {
        CountDownLatch release = new CountDownLatch(1);
        Reranker stuck = new Reranker() {
            public String id() { return "stuck"; }
            public Kind kind() { return Kind.BI_ENCODER_FALLBACK; }
            public List<RerankResult> rerank(String q, List<String> p, int n) {
                // like an ONNX Runtime call: cancel(true) does not stop it; the interrupt is restored at the end
                boolean interrupted = false;
                while (release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return List.of();
            }
            public void close() { }
        };
        try (SearchClient client = client().reranker(new InProcessCandidateReranker(stuck, true))
                .options(SearchOptions.defaults().withRerankTimeout(Duration.ofMillis(20))).ownsResources(true)
                .build()) {
            for (int i = 0; i < InProcessCandidateReranker.maxConcurrent(); i++) {
                assertThat(client.search(TENANT, "energy", 2).rerankStatus()).isEqualTo(RerankStatus.FALLBACK_TIMEOUT);
            }
            SearchResult shed = client.search(TENANT, "energy", 2);
            assertThat(shed.rerankStatus()).isEqualTo(RerankStatus.FALLBACK_ERROR);
            assertThat(shed.hits()).hasSize(2);
        } finally {
            release.countDown();
        }
    }

    @Test
    void failingReranker_fallsBackToVectorOrder_flaggedAsError() {
        CandidateReranker failing = new CandidateReranker() {
            public String id() { return "broken"; }
            public Reranker.Kind kind() { return Reranker.Kind.CROSS_ENCODER; }
            public Reranked rerank(String q, List<String> p, int n, Duration t) {
                throw new IllegalStateException("model unavailable");
            }
            public void close() { }
        };
        try (SearchClient client = client().reranker(failing).build()) {
            SearchResult r = client.search(TENANT, "renewable energy", 2);
            assertThat(r.rerankStatus()).isEqualTo(RerankStatus.FALLBACK_ERROR);
            assertThat(r.hits().stream().map(SearchResult.Hit::vectorRank)).containsExactly(1, 2);
        }
    }

    @Test
    void partialRerank_putsScoredFirst_thenTheRestInVectorOrder() {
        List<io.kembed.core.store.SearchHit> found = store.search(TENANT, embedder.embed("energy", null), 4);
        List<RerankResult> partial = List.of(new RerankResult(1, 2f), new RerankResult(0, 1f),
                new RerankResult(2, Float.NaN), new RerankResult(3, Float.NaN));
        List<SearchResult.Hit> hits = SearchClient.merge(found, partial, 3);
        assertThat(hits.stream().map(SearchResult.Hit::vectorRank)).containsExactly(2, 1, 3);
        assertThat(hits.get(2).rerankScore()).isNull();
        assertThat(hits.get(0).rerankScore()).isEqualTo(2f);
    }

    @Test
    void noRerankOption_skipsAConfiguredReranker() {
        try (SearchClient client = client().reranker(new ReversingReranker())
                .options(SearchOptions.defaults().withRerank(false)).build()) {
            SearchResult r = client.search(TENANT, "renewable energy", 3);
            assertThat(r.rerankStatus()).isEqualTo(RerankStatus.SKIPPED);
            assertThat(r.rerankerId()).isNull();
        }
    }

    @Test
    void unreachableRedis_searchesUncached_andCountsIt_inMicrometerToo() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SearchClient client = client()
                .cache(RedisSearchCache.create("redis://127.0.0.1:1", SearchCacheConfig.defaults()))
                .meterRegistry(registry).ownsResources(true).build()) {
            SearchResult a = client.search(TENANT, "wind power at sea", 2);
            SearchResult b = client.search(TENANT, "wind power at sea", 2);
            assertThat(a.hits()).isEqualTo(b.hits()).isNotEmpty();
            assertThat(b.fromResultCache()).isFalse();
            assertThat(client.counters().uncached()).isEqualTo(2);
            assertThat(client.cache().failures()).isPositive();
            assertThat(registry.get("kembed.search.cache").tag("cache", "result").tag("result", "unavailable")
                    .counter().count()).isEqualTo(2.0);
            assertThat(registry.get("kembed.search.cache").tag("cache", "query_embedding").tag("result", "miss")
                    .counter().count()).isEqualTo(2.0);
        }
    }

    @Test
    void redisCache_servesTheRepeat_andSharesItWithASecondClient() {
        String prefix = "kembed-test:" + java.util.UUID.randomUUID() + ":";
        SearchCacheConfig config = SearchCacheConfig.defaults().withKeyPrefix(prefix);
        try (RedisSearchCache one = RedisSearchCache.create(RedisCacheUri.URI, config);
                RedisSearchCache two = RedisSearchCache.create(RedisCacheUri.URI, config)) {
            SearchClient first = client().cache(one).build();
            SearchClient second = client().cache(two).build();
            SearchResult computed = first.search(TENANT, "wind power at sea", 3);
            SearchResult again = first.search(TENANT, "wind power at sea", 3);
            SearchResult elsewhere = second.search(TENANT, "wind power at sea", 3);
            assertThat(one.failures()).isZero();
            assertThat(again.fromResultCache()).isTrue();
            assertThat(elsewhere.fromResultCache()).isTrue();
            assertThat(elsewhere.hits()).isEqualTo(computed.hits());
            two.bumpGenerations(Set.of(TENANT));
            assertThat(first.search(TENANT, "wind power at sea", 3).fromResultCache()).isFalse();
            one.deleteAll();
        }
    }

    /** Counts calls through to a real embedder. */
    static final class CountingEmbedder implements QueryEmbedder {
        final QueryEmbedder delegate;
        final AtomicInteger calls = new AtomicInteger();

        CountingEmbedder(QueryEmbedder delegate) {
            this.delegate = delegate;
        }

        public String modelId() { return delegate.modelId(); }
        public int dims() { return delegate.dims(); }
        public float[] embed(String query, Duration timeout) {
            calls.incrementAndGet();
            return delegate.embed(query, timeout);
        }
    }

    /** Ranks the candidates backwards, to see the client apply an order that is not the vector order. */
    static final class ReversingReranker implements CandidateReranker {
        public String id() { return "reverse"; }
        public Reranker.Kind kind() { return Reranker.Kind.CROSS_ENCODER; }
        public Reranked rerank(String q, List<String> passages, int topN, Duration t) throws TimeoutException {
            List<RerankResult> out = new ArrayList<>();
            for (int i = passages.size() - 1; i >= 0 && out.size() < topN; i--) {
                out.add(new RerankResult(i, passages.size() - i));
            }
            return new Reranked(out, id(), kind(), false);
        }
        public void close() { }
    }
}
