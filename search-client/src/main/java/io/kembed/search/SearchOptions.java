package io.kembed.search;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link SearchClient}: one immutable record, validated here.
 *
 * @param candidates vector hits fetched and reranked per search (at least {@code k} are always fetched); default
 *     {@link #DEFAULT_CANDIDATES}: enough to lift a relevant hit from the tail of a top-10, small enough to rerank
 *     on a CPU within the default budget
 * @param rerank whether to rerank (when a reranker is configured); default true
 * @param embedTimeout budget for embedding the query; default {@link #DEFAULT_EMBED_TIMEOUT}
 * @param rerankTimeout budget for the rerank stage, after which the search answers in vector order flagged
 *     {@link RerankStatus#FALLBACK_TIMEOUT}; default {@link #DEFAULT_RERANK_TIMEOUT}
 */
public record SearchOptions(int candidates, boolean rerank, Duration embedTimeout, Duration rerankTimeout) {

    public static final int DEFAULT_CANDIDATES = 20;
    /** Most candidates: the rerank request limit ({@code RerankRequest.MAX_PASSAGES}). */
    public static final int MAX_CANDIDATES = 100;
    public static final Duration DEFAULT_EMBED_TIMEOUT = Duration.ofSeconds(2);
    /**
     * 2 s: the bi-encoder fallback (bge-small-en-v1.5 fp32) rescoring 20 snippets took well under that on a 2-core
     * machine in {@code kembed bench search}; lower it when a fast cross-encoder serves.
     */
    public static final Duration DEFAULT_RERANK_TIMEOUT = Duration.ofSeconds(2);

    public SearchOptions {
        if (candidates < 1 || candidates > MAX_CANDIDATES) {
            throw new IllegalArgumentException("candidates must be in [1, " + MAX_CANDIDATES + "], got " + candidates);
        }
        positive(embedTimeout, "embedTimeout");
        positive(rerankTimeout, "rerankTimeout");
    }

    public static SearchOptions defaults() {
        return new SearchOptions(DEFAULT_CANDIDATES, true, DEFAULT_EMBED_TIMEOUT, DEFAULT_RERANK_TIMEOUT);
    }

    public SearchOptions withCandidates(int n) {
        return new SearchOptions(n, rerank, embedTimeout, rerankTimeout);
    }

    public SearchOptions withRerank(boolean on) {
        return new SearchOptions(candidates, on, embedTimeout, rerankTimeout);
    }

    public SearchOptions withRerankTimeout(Duration timeout) {
        return new SearchOptions(candidates, rerank, embedTimeout, timeout);
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, got " + d);
        }
    }
}
