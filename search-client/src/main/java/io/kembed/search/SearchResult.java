package io.kembed.search;

import io.kembed.core.store.SearchHit;
import io.kembed.rerank.Reranker;
import java.util.List;
import java.util.Objects;

/**
 * The answer to one {@link SearchClient#search} call.
 *
 * @param hits at most {@code k} hits, best first (reranker order, or vector order on a fallback)
 * @param rerankStatus what happened to the rerank stage; a fallback still answers, in vector order
 * @param rerankerId the reranker asked (e.g. {@code bi-encoder:bge-small-en-v1.5}, {@code cross-encoder:…}), or
 *     null when none was
 * @param rerankerKind cross-encoder or the labelled bi-encoder fallback; null when no reranker was asked
 * @param modelId the bi-encoder that embedded the query
 * @param collection the vector store's collection searched
 * @param fromResultCache true if the whole answer came from the result cache
 * @param queryEmbeddingCached true if the query vector came from the query-embedding cache (false on a result-cache
 *     hit, where no vector was needed)
 * @param elapsedMillis wall time of the call, ms
 */
public record SearchResult(List<Hit> hits, RerankStatus rerankStatus, String rerankerId, Reranker.Kind rerankerKind,
        String modelId, String collection, boolean fromResultCache, boolean queryEmbeddingCached,
        double elapsedMillis) {

    public SearchResult {
        hits = List.copyOf(Objects.requireNonNull(hits, "hits"));
        Objects.requireNonNull(rerankStatus, "rerankStatus");
    }

    /**
     * One ranked hit.
     *
     * @param hit the store's hit; {@link SearchHit#score()} is the vector (cosine) score
     * @param vectorRank 1-based rank of the hit in the vector search
     * @param rerankScore the reranker's score (comparable within one result only), or null if this hit was not
     *     scored (no rerank, a fallback, or the unscored tail of a {@link RerankStatus#PARTIAL} rerank)
     */
    public record Hit(SearchHit hit, int vectorRank, Float rerankScore) {

        public Hit {
            Objects.requireNonNull(hit, "hit");
        }
    }

    /** A label for output: {@code "RERANKED by bi-encoder:… (BI_ENCODER_FALLBACK)"}, or the status alone. */
    public String rerankLabel() {
        return rerankerId == null ? rerankStatus.name()
                : rerankStatus + " by " + rerankerId + " (" + rerankerKind + ")";
    }
}
