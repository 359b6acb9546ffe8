package io.kembed.rerank.requestreply;

import java.util.List;

/**
 * A rerank request as JSON: {@code {"query": "...", "passages": ["...", ...], "topN": 10}}. Limits are enforced by
 * the worker ({@link #validate()}); an invalid request gets an {@link RerankErrorCode#INVALID_REQUEST} reply.
 *
 * @param query non-blank, at most {@link #MAX_QUERY_CHARS} chars
 * @param passages at most {@link #MAX_PASSAGES}, each non-null and at most {@link #MAX_PASSAGE_CHARS} chars
 * @param topN how many results to return, {@code >= 1}; more than the passages returns them all
 */
public record RerankRequest(String query, List<String> passages, int topN) {

    /** Most passages per request: the top-100 rerank of {@code kembed eval --rerank}. */
    public static final int MAX_PASSAGES = 100;
    /** Most chars per passage (about 2k tokens, far above any reranker's per-pair token cap). */
    public static final int MAX_PASSAGE_CHARS = 8_192;
    /** Most chars in the query. */
    public static final int MAX_QUERY_CHARS = 8_192;

    /** Why this request cannot be served, or null when it is valid. */
    public String validate() {
        if (query == null || query.isBlank()) {
            return "query must not be empty";
        }
        if (query.length() > MAX_QUERY_CHARS) {
            return "query has " + query.length() + " chars, the limit is " + MAX_QUERY_CHARS;
        }
        if (passages == null) {
            return "passages missing";
        }
        if (passages.size() > MAX_PASSAGES) {
            return passages.size() + " passages, the limit is " + MAX_PASSAGES;
        }
        for (int i = 0; i < passages.size(); i++) {
            String p = passages.get(i);
            if (p == null) {
                return "passage " + i + " is null";
            }
            if (p.length() > MAX_PASSAGE_CHARS) {
                return "passage " + i + " has " + p.length() + " chars, the limit is " + MAX_PASSAGE_CHARS;
            }
        }
        if (topN < 1) {
            return "topN must be >= 1, got " + topN;
        }
        return null;
    }
}
