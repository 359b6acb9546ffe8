package io.kembed.rerank.plan;

/**
 * Decides how many of the best-ranked candidates (in vector order) can be scored within a time budget.
 */
public final class DeadlinePlanner {

    private DeadlinePlanner() {
    }

    /**
     * The longest prefix of candidates whose predicted cost fits the budget. The cost of a prefix is its
     * length-sorted batches' padded tokens times {@code nanosPerToken}.
     *
     * @param lengths tokens per pair, in vector order (best candidate first)
     * @param maxPairs most pairs per batch
     * @param nanosPerToken cost estimate, ns per padded token
     * @param budgetNanos time left for inference; {@code <= 0} scores nothing
     * @return how many leading candidates to score, in {@code [0, lengths.length]}
     */
    public static int affordablePrefix(int[] lengths, int maxPairs, double nanosPerToken, long budgetNanos) {
        if (budgetNanos <= 0 || lengths.length == 0) {
            return 0;
        }
        int count = 0; // n is a request's candidates (tens), so a linear scan costs nothing next to inference
        while (count < lengths.length
                && predictedNanos(lengths, count + 1, maxPairs, nanosPerToken) <= budgetNanos) {
            count++;
        }
        return count;
    }

    /** @return predicted inference time of the first {@code count} pairs, ns */
    public static double predictedNanos(int[] lengths, int count, int maxPairs, double nanosPerToken) {
        int[] prefix = new int[count];
        System.arraycopy(lengths, 0, prefix, 0, count);
        long tokens = 0;
        for (int[] batch : PairBatches.plan(prefix, maxPairs)) {
            tokens += PairBatches.paddedTokens(batch, prefix);
        }
        return tokens * nanosPerToken;
    }
}
