package io.kembed.rerank;

import java.util.List;
import java.util.Objects;

/**
 * The result of deadline-aware reranking ({@link CrossEncoder#rerankWithin}).
 *
 * @param results at most {@code topN} results: first the {@code scoredCount} best-ranked candidates (in vector
 *     order) reordered by cross-encoder score, best first; then the unscored candidates in vector order, each with
 *     score {@link Float#NaN}
 * @param scoredCount how many leading candidates (vector order) were scored: indexes {@code 0 .. scoredCount-1}
 * @param truncatedPairs how many scored pairs were cut to the per-pair token cap
 * @param partial true if some candidates were left unscored because the budget could not cover them
 */
public record RerankOutcome(List<RerankResult> results, int scoredCount, int truncatedPairs, boolean partial) {

    public RerankOutcome {
        results = List.copyOf(Objects.requireNonNull(results, "results"));
        if (scoredCount < 0 || truncatedPairs < 0 || truncatedPairs > scoredCount) {
            throw new IllegalArgumentException("bad counts: scored " + scoredCount + ", truncated " + truncatedPairs);
        }
    }

    /** @return true if {@code result} carries a cross-encoder score (unscored candidates carry NaN) */
    public static boolean isScored(RerankResult result) {
        return !Float.isNaN(result.score());
    }
}
