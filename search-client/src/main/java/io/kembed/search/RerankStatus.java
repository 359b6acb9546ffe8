package io.kembed.search;

/** What happened to the second stage of one search; see {@link SearchResult#rerankStatus()}. */
public enum RerankStatus {
    /** Every candidate was scored by the reranker; hits are in reranker order. */
    RERANKED,
    /**
     * A deadline-aware reranker scored only the best-ranked candidates within its budget: those come first in
     * reranker order, the rest follow in vector order.
     */
    PARTIAL,
    /** The reranker did not answer within {@link SearchOptions#rerankTimeout()}: hits are in vector order. */
    FALLBACK_TIMEOUT,
    /** The reranker failed (error reply, model failure, bad answer): hits are in vector order. */
    FALLBACK_ERROR,
    /** Reranking was not asked for, no reranker is configured, or there was nothing to rerank. */
    SKIPPED;

    /** @return true if the hits are not in the order the caller asked for (a fallback happened) */
    public boolean isFallback() {
        return this == FALLBACK_TIMEOUT || this == FALLBACK_ERROR;
    }
}
