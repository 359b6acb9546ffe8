package io.kembed.rerank;

/**
 * One reranked candidate.
 *
 * @param index position of the passage in the request
 * @param score the reranker's score: a logit (or its sigmoid) for a cross-encoder, a cosine in [-1, 1] for the
 *     bi-encoder fallback; comparable within one request only
 */
public record RerankResult(int index, float score) {
}
