package io.kembed.rerank;

import java.util.List;
import java.util.Objects;

/**
 * One request of a joint, deadline-aware scoring call ({@link CrossEncoder#rerankAll}).
 *
 * @param query the query text
 * @param passages candidates in vector-search order (best first), non-empty, no nulls
 * @param topN most results returned, {@code >= 1}
 * @param budgetMillis time allowed for this request from the start of the call, ms, {@code >= 0}
 */
public record RerankJob(String query, List<String> passages, int topN, long budgetMillis) {

    /** @throws IllegalArgumentException if a bound above is broken (null query or passages: NullPointerException) */
    public RerankJob {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(passages, "passages");
        if (passages.isEmpty()) {
            throw new IllegalArgumentException("no passages to rerank");
        }
        for (String passage : passages) { // not contains(null): List.of(..) throws NPE on it
            if (passage == null) {
                throw new IllegalArgumentException("passages must not contain null");
            }
        }
        if (topN < 1) {
            throw new IllegalArgumentException("topN must be >= 1, got " + topN);
        }
        if (budgetMillis < 0) {
            throw new IllegalArgumentException("budgetMillis must be >= 0, got " + budgetMillis);
        }
        passages = List.copyOf(passages);
    }
}
