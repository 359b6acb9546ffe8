package io.kembed.rerank.requestreply;

import io.kembed.rerank.RerankResult;
import io.kembed.rerank.Reranker;
import java.util.List;

/**
 * A rerank reply as JSON: either results or an error.
 *
 * @param results best first, each naming the passage's index in the request; empty on error
 * @param rerankerId the reranker that scored, e.g. {@code bi-encoder:all-minilm-l6-v2-q}; null on error
 * @param kind cross-encoder or bi-encoder fallback; null on error
 * @param partial true when only some candidates were scored (the rest keep vector order)
 * @param error null on success
 */
public record RerankReply(List<Result> results, String rerankerId, Reranker.Kind kind, boolean partial,
        Error error) {

    /**
     * @param score see {@link RerankResult#score()}; null for a candidate left unscored by a deadline-aware
     *     reranker (it keeps its vector-order place after the scored ones)
     */
    public record Result(int index, Float score) {
    }

    public record Error(RerankErrorCode code, String message) {
    }

    public RerankReply {
        results = results == null ? List.of() : List.copyOf(results);
    }

    public static RerankReply ok(List<RerankResult> results, Reranker reranker, boolean partial) {
        return new RerankReply(results.stream()
                .map(r -> new Result(r.index(), Float.isNaN(r.score()) ? null : r.score())).toList(), reranker.id(),
                reranker.kind(), partial, null);
    }

    public static RerankReply error(RerankErrorCode code, String message) {
        return new RerankReply(List.of(), null, null, false, new Error(code, message));
    }

    /** The results as {@link RerankResult}s; an unscored candidate carries {@link Float#NaN}, as in
     * {@link io.kembed.rerank.RerankOutcome}. */
    public List<RerankResult> rerankResults() {
        return results.stream()
                .map(r -> new RerankResult(r.index(), r.score() == null ? Float.NaN : r.score())).toList();
    }
}
