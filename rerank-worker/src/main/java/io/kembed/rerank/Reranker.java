package io.kembed.rerank;

import java.util.List;

/**
 * Reorders search candidates for a query. The production reranker is a cross-encoder (query and passage read
 * together); where none is configured, {@link BiEncoderReranker} rescores with a second bi-encoder and says so in
 * {@link #kind()}.
 */
public interface Reranker extends AutoCloseable {

    /** What scored the candidates, shown in output and metrics. */
    enum Kind {
        CROSS_ENCODER,
        /** Fallback: cosine of a second bi-encoder's query and passage vectors. */
        BI_ENCODER_FALLBACK
    }

    /** An id for output and metrics, for example {@code bi-encoder:bge-small-en-v1.5}. */
    String id();

    Kind kind();

    /**
     * Scores every passage against the query and returns the best {@code topN}.
     *
     * @param passages candidate texts, in the order the vector search returned them
     * @return at most {@code topN} results, best first, each naming its index in {@code passages}
     * @throws IllegalArgumentException if {@code topN < 1}
     */
    List<RerankResult> rerank(String query, List<String> passages, int topN);

    @Override
    void close();
}
