package io.kembed.search;

import io.kembed.rerank.Reranker;
import java.util.List;

/**
 * What the result cache keeps of a {@link SearchResult}: the ranking and how it was made. Serialised as JSON by
 * the Redis cache.
 */
public record CachedResult(List<SearchResult.Hit> hits, RerankStatus rerankStatus, String rerankerId,
        Reranker.Kind rerankerKind) {

    public CachedResult {
        hits = List.copyOf(hits);
    }
}
