package io.kembed.search;

import io.kembed.core.event.EventLimits;
import io.kembed.core.store.SearchHit;
import io.kembed.core.store.VectorStore;
import io.kembed.rerank.RerankResult;
import io.kembed.search.SearchCounters.Cache;
import io.kembed.search.cache.CacheKeys;
import io.kembed.search.cache.SearchCache;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronous search for apps: query → (cached) query vector → tenant-filtered vector search for
 * {@link SearchOptions#candidates()} candidates → rerank → top {@code k}, with the whole answer cached per tenant
 * generation.
 *
 * <pre>{@code
 * SearchClient client = SearchClient.builder(store, new BiEncoderQueryEmbedder(encoder))
 *         .reranker(new InProcessCandidateReranker(reranker, true))
 *         .cache(new CaffeineSearchCache(SearchCacheConfig.defaults()))
 *         .build();
 * SearchResult r = client.search("acme", "offshore wind energy", 10);
 * }</pre>
 *
 * <p>Caching: the query vector is cached under model id + SHA-256 of the query text; the result under tenant,
 * the tenant's generation, collection, model, rerank mode, candidates, k and the query hash. The sink bumps a
 * tenant's generation after writing its vectors ({@link SearchCache#bumpGenerations}); the generation is read
 * before the vector search, so a result computed while a write lands is stored under the old generation and
 * never served after the bump. Only {@link RerankStatus#RERANKED} and {@link RerankStatus#SKIPPED} results are
 * cached: a fallback or partial answer is not kept for the TTL.
 *
 * <p>Reranking never fails a search: a timeout or error answers in vector order, flagged in
 * {@link SearchResult#rerankStatus()}. Thread-safe. Closing the client closes the reranker and the cache if they
 * were given as owned ({@link Builder#ownsResources}); the store and the embedder always belong to the caller.
 */
public final class SearchClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SearchClient.class);

    private final VectorStore store;
    private final QueryEmbedder embedder;
    private final CandidateReranker reranker;
    private final SearchCache cache;
    private final SearchOptions options;
    private final SearchCounters counters;
    private final boolean ownsResources;

    private SearchClient(Builder b) {
        this.store = b.store;
        this.embedder = b.embedder;
        this.reranker = b.reranker;
        this.cache = b.cache;
        this.options = b.options;
        this.counters = new SearchCounters(b.registry);
        this.ownsResources = b.ownsResources;
        if (embedder.dims() != store.dims()) {
            throw new IllegalArgumentException("embedder " + embedder.modelId() + " makes " + embedder.dims()
                    + "-dim vectors but collection " + store.collection() + " holds " + store.dims());
        }
    }

    /**
     * @param store the tenant-filtered vector store; owned by the caller
     * @param embedder the query embedder; must be the model that made the stored vectors
     */
    public static Builder builder(VectorStore store, QueryEmbedder embedder) {
        return new Builder(store, embedder);
    }

    /**
     * Most hits one search returns. Stores size their top-k structures by k (Lucene's HNSW search allocates a queue
     * of k entries), so an unbounded k from a caller's input is a memory hazard, not a bigger answer.
     */
    public static final int MAX_K = 1_000;
    /**
     * Longest query, in chars: the rerank protocol's query limit. Models read at most 512 tokens (about 2,000
     * chars of English) of it; a longer one only costs tokenising and hashing time.
     */
    public static final int MAX_QUERY_CHARS = 8_192;

    /**
     * Searches one tenant.
     *
     * @param tenant the tenant whose vectors are searched (never another's): non-blank, at most
     *     {@link EventLimits#DEFAULT}'s 256 chars, no control characters, as change events require of tenant ids
     * @param query the query text, non-blank, at most {@link #MAX_QUERY_CHARS} chars
     * @param k most hits returned, from 1 to {@link #MAX_K}
     * @return the hits and how they were ranked
     * @throws NullPointerException if {@code tenant} or {@code query} is null
     * @throws IllegalArgumentException if the tenant, the query or {@code k} breaks a limit above
     * @throws QueryEmbeddingException if the query cannot be embedded
     * @throws io.kembed.core.store.VectorStoreException if the store fails
     */
    public SearchResult search(String tenant, String query, int k) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(query, "query");
        checkTenant(tenant);
        if (query.isBlank()) {
            throw new IllegalArgumentException("query must not be blank");
        }
        if (query.length() > MAX_QUERY_CHARS) {
            throw new IllegalArgumentException("query has " + query.length() + " chars, the limit is "
                    + MAX_QUERY_CHARS);
        }
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("k must be in [1, " + MAX_K + "], got " + k);
        }
        long started = System.nanoTime();
        String queryHash = CacheKeys.queryHash(query);
        boolean rerank = options.rerank() && reranker != null;
        int candidates = Math.max(k, options.candidates());
        String resultKey = null;
        if (cache != null) {
            OptionalLong generation = cache.generation(tenant);
            if (generation.isPresent()) {
                resultKey = CacheKeys.result(tenant, generation.getAsLong(), store.collection(), embedder.modelId(),
                        rerank ? reranker.id() : "none", candidates, k, queryHash);
                Optional<CachedResult> cached = cache.result(resultKey);
                if (cached.isPresent()) {
                    counters.hit(Cache.RESULT);
                    CachedResult c = cached.get();
                    return new SearchResult(c.hits(), c.rerankStatus(), c.rerankerId(), c.rerankerKind(),
                            embedder.modelId(), store.collection(), true, false, millisSince(started));
                }
                counters.miss(Cache.RESULT);
            } else {
                counters.countUncached();
            }
        }
        boolean[] embeddingCached = new boolean[1];
        float[] vector = queryVector(query, queryHash, embeddingCached);
        List<SearchHit> found = store.search(tenant, vector, candidates);
        CachedResult computed = rerank && !found.isEmpty() ? reranked(query, found, k) : vectorOrder(found, k,
                RerankStatus.SKIPPED, null, null);
        counters.countRerank(computed.rerankStatus());
        if (resultKey != null && (computed.rerankStatus() == RerankStatus.RERANKED
                || computed.rerankStatus() == RerankStatus.SKIPPED)) {
            cache.putResult(resultKey, computed);
        }
        return new SearchResult(computed.hits(), computed.rerankStatus(), computed.rerankerId(),
                computed.rerankerKind(), embedder.modelId(), store.collection(), false, embeddingCached[0],
                millisSince(started));
    }

    /** {@link #search} on {@code executor}; the future fails with the exceptions {@link #search} throws. */
    public CompletableFuture<SearchResult> searchAsync(String tenant, String query, int k, Executor executor) {
        return CompletableFuture.supplyAsync(() -> search(tenant, query, k), executor);
    }

    private float[] queryVector(String query, String queryHash, boolean[] cached) {
        String key = CacheKeys.queryEmbedding(embedder.modelId(), queryHash);
        if (cache != null) {
            Optional<float[]> v = cache.queryEmbedding(key);
            if (v.isPresent() && v.get().length == embedder.dims()) {
                counters.hit(Cache.QUERY_EMBEDDING);
                cached[0] = true;
                return v.get();
            }
            counters.miss(Cache.QUERY_EMBEDDING);
        }
        float[] vector = embedder.embed(query, options.embedTimeout());
        if (cache != null) {
            cache.putQueryEmbedding(key, vector);
        }
        return vector;
    }

    private CachedResult reranked(String query, List<SearchHit> found, int k) {
        List<String> passages = found.stream().map(SearchClient::passage).toList();
        try {
            CandidateReranker.Reranked r = reranker.rerank(query, passages, Math.min(k, found.size()),
                    options.rerankTimeout());
            return new CachedResult(merge(found, r.results(), k), r.partial() ? RerankStatus.PARTIAL
                    : RerankStatus.RERANKED, r.rerankerId(), r.kind());
        } catch (TimeoutException e) {
            LOG.debug("rerank by {} timed out after {} ms", reranker.id(), options.rerankTimeout().toMillis());
            return vectorOrder(found, k, RerankStatus.FALLBACK_TIMEOUT, reranker.id(), reranker.kind());
        } catch (RuntimeException e) {
            LOG.warn("rerank by {} failed, answering in vector order: {}", reranker.id(), e.toString());
            return vectorOrder(found, k, RerankStatus.FALLBACK_ERROR, reranker.id(), reranker.kind());
        }
    }

    /**
     * The text a reranker reads for a hit: its stored snippet (the chunk's first
     * {@link io.kembed.core.vector.ChunkVector#SNIPPET_CHARS} chars), or the title when the snippet is empty.
     */
    static String passage(SearchHit hit) {
        return hit.snippet().isEmpty() ? hit.title() : hit.snippet();
    }

    /**
     * Puts reranker results back onto the candidates.
     *
     * @param found candidates in vector order
     * @param results reranker order; NaN scores (unscored) keep their place after the scored ones
     * @throws IllegalStateException if a result names an index outside {@code found} or twice
     */
    static List<SearchResult.Hit> merge(List<SearchHit> found, List<RerankResult> results, int k) {
        List<SearchResult.Hit> hits = new ArrayList<>(Math.min(k, results.size()));
        boolean[] seen = new boolean[found.size()];
        for (RerankResult r : results) {
            if (r.index() < 0 || r.index() >= found.size() || seen[r.index()]) {
                throw new IllegalStateException("reranker returned a bad or repeated index " + r.index());
            }
            seen[r.index()] = true;
            if (hits.size() < k) {
                hits.add(new SearchResult.Hit(found.get(r.index()), r.index() + 1,
                        Float.isNaN(r.score()) ? null : r.score()));
            }
        }
        return hits;
    }

    static CachedResult vectorOrder(List<SearchHit> found, int k, RerankStatus status, String rerankerId,
            io.kembed.rerank.Reranker.Kind kind) {
        List<SearchResult.Hit> hits = new ArrayList<>(Math.min(k, found.size()));
        for (int i = 0; i < found.size() && i < k; i++) {
            hits.add(new SearchResult.Hit(found.get(i), i + 1, null));
        }
        return new CachedResult(hits, status, rerankerId, kind);
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    /** Cache hit/miss and rerank-outcome counts since this client was built. */
    public SearchCounters counters() {
        return counters;
    }

    public SearchOptions options() {
        return options;
    }

    /** The cache, or null when searches are uncached. */
    public SearchCache cache() {
        return cache;
    }

    /** The reranker, or null when none is configured. */
    public CandidateReranker reranker() {
        return reranker;
    }

    @Override
    public void close() {
        if (ownsResources) {
            if (reranker != null) {
                reranker.close();
            }
            if (cache != null) {
                cache.close();
            }
        }
    }

    /** Assembles a {@link SearchClient}; only the store and the embedder are required. */
    /** The tenant-id rules of change events ({@code ChangeEventCodec}): a tenant breaking them holds no data. */
    private static void checkTenant(String tenant) {
        if (tenant.isBlank()) {
            throw new IllegalArgumentException("tenant must not be blank");
        }
        if (tenant.length() > EventLimits.DEFAULT.maxIdChars()) {
            throw new IllegalArgumentException("tenant has " + tenant.length() + " chars, the limit is "
                    + EventLimits.DEFAULT.maxIdChars());
        }
        for (int i = 0; i < tenant.length(); i++) {
            if (Character.isISOControl(tenant.charAt(i))) {
                throw new IllegalArgumentException("tenant contains a control character at index " + i);
            }
        }
    }

    public static final class Builder {
        private final VectorStore store;
        private final QueryEmbedder embedder;
        private CandidateReranker reranker;
        private SearchCache cache;
        private SearchOptions options = SearchOptions.defaults();
        private MeterRegistry registry;
        private boolean ownsResources;

        private Builder(VectorStore store, QueryEmbedder embedder) {
            this.store = Objects.requireNonNull(store, "store");
            this.embedder = Objects.requireNonNull(embedder, "embedder");
        }

        /** The second stage; none means every search is {@link RerankStatus#SKIPPED}. */
        public Builder reranker(CandidateReranker reranker) {
            this.reranker = reranker;
            return this;
        }

        /** The caches; none means every search is computed. */
        public Builder cache(SearchCache cache) {
            this.cache = cache;
            return this;
        }

        public Builder options(SearchOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Optional Micrometer registry for the counters of {@link SearchCounters}. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** Whether {@link SearchClient#close()} closes the reranker and the cache (default false). */
        public Builder ownsResources(boolean owns) {
            this.ownsResources = owns;
            return this;
        }

        public SearchClient build() {
            return new SearchClient(this);
        }
    }
}
