package io.kembed.app.cli;

import io.kembed.search.CandidateReranker;
import io.kembed.search.SearchOptions;
import io.kembed.search.cache.CaffeineSearchCache;
import io.kembed.search.cache.RedisSearchCache;
import io.kembed.search.cache.SearchCache;
import io.kembed.search.cache.SearchCacheConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How {@code kembed search}, {@code demo}, {@code eval --rerank} and {@code bench search} build a SearchClient. */
public final class SearchClientOptions {

    @Option(names = "--no-rerank", description = "Answer in vector order, without the rerank stage.")
    boolean noRerank;

    @Option(names = "--candidates", defaultValue = "" + SearchOptions.DEFAULT_CANDIDATES,
            description = "Vector hits fetched and reranked per query, at most " + SearchOptions.MAX_CANDIDATES
                    + " (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Mixin
    SearchRerankOptions reranker;

    @Option(names = "--redis-uri", defaultValue = "${env:KEMBED_REDIS_URI}", paramLabel = "URI",
            description = "Shared Redis cache, redis://[:password@]host:port[/db] or rediss:// for TLS (env "
                    + "KEMBED_REDIS_URI); default: an in-process cache.")
    String redisUri;

    public boolean rerank() {
        return !noRerank;
    }

    public String redisUri() {
        return redisUri;
    }

    /** @throws IllegalArgumentException for out-of-range values */
    public SearchOptions searchOptions() {
        return SearchOptions.defaults().withCandidates(candidates).withRerank(rerank())
                .withRerankTimeout(reranker.timeout());
    }

    /** The cache: Redis when {@code --redis-uri} is given, else in process. */
    public SearchCache openCache() {
        return redisUri == null || redisUri.isBlank() ? new CaffeineSearchCache(SearchCacheConfig.defaults())
                : RedisSearchCache.create(redisUri, SearchCacheConfig.defaults());
    }

    /** The in-process reranker (see {@link SearchRerankOptions#open()}), or null with {@code --no-rerank}. */
    public CandidateReranker openReranker() {
        return noRerank ? null : reranker.open();
    }
}
