package io.kembed.search;

import io.kembed.rerank.RerankResult;
import io.kembed.rerank.Reranker;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * The second stage as {@link SearchClient} sees it: rerank candidate passages within a time budget. Implementations:
 * {@link InProcessCandidateReranker} over a {@link Reranker} and {@link KafkaCandidateReranker} over the rerank
 * worker's request/reply client.
 */
public interface CandidateReranker extends AutoCloseable {

    /** The reranker's id as known before asking, for labelling fallbacks (e.g. {@code bi-encoder:…}). */
    String id();

    /** Its kind as known before asking; null if only the reply tells (a remote worker). */
    Reranker.Kind kind();

    /**
     * Reranks {@code passages} for {@code query}.
     *
     * @param passages candidate texts in vector order, non-empty
     * @param topN most results, {@code >= 1}
     * @param timeout the budget, also the deadline given to the reranker
     * @return the ranking, each result naming its index in {@code passages}
     * @throws TimeoutException no answer within {@code timeout}
     * @throws RuntimeException any failure of the reranker (the caller falls back to vector order)
     */
    Reranked rerank(String query, List<String> passages, int topN, Duration timeout) throws TimeoutException;

    @Override
    void close();

    /**
     * A reranker's answer.
     *
     * @param results best first; a result with {@link Float#NaN} score was left unscored (partial)
     * @param rerankerId who scored
     * @param kind cross-encoder or bi-encoder fallback
     * @param partial true if some candidates were left unscored within the budget
     */
    record Reranked(List<RerankResult> results, String rerankerId, Reranker.Kind kind, boolean partial) {

        public Reranked {
            results = List.copyOf(Objects.requireNonNull(results, "results"));
        }
    }
}
