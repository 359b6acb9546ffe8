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

    /**
     * Plans several requests scored together in one run of length-sorted batches ({@link PairBatches}). Every
     * request's reply is ready only when the whole run ends, so the run's predicted time must fit the smallest
     * budget among the requests it serves. Candidates are taken rank by rank across requests (each request's best
     * candidate before any request's second), each request's share staying a prefix of its vector order; a request
     * stops growing at the first candidate that no longer fits.
     *
     * <p>A request whose budget cannot cover even its own best candidate alone scores nothing and does not limit
     * the others (its reply would be late whatever the others do). With one request this is exactly
     * {@link #affordablePrefix}.
     *
     * @param lengths per request, tokens per pair in vector order (best candidate first)
     * @param budgetNanos per request, time left for inference, ns; {@code <= 0} scores nothing
     * @param maxPairs most pairs per batch
     * @param nanosPerToken cost estimate, ns per padded token
     * @return per request, how many leading candidates to score
     * @throws IllegalArgumentException if the two arrays differ in length
     */
    public static int[] affordablePrefixes(int[][] lengths, long[] budgetNanos, int maxPairs, double nanosPerToken) {
        if (lengths.length != budgetNanos.length) {
            throw new IllegalArgumentException(lengths.length + " requests but " + budgetNanos.length + " budgets");
        }
        int n = lengths.length;
        int[] counts = new int[n];
        boolean[] open = new boolean[n];
        long limit = Long.MAX_VALUE;
        int total = 0;
        for (int j = 0; j < n; j++) {
            open[j] = lengths[j].length > 0 && budgetNanos[j] > 0
                    && predictedNanos(lengths[j], 1, maxPairs, nanosPerToken) <= budgetNanos[j];
            if (open[j]) {
                limit = Math.min(limit, budgetNanos[j]);
                total += lengths[j].length;
            }
        }
        // Common case first: everything fits.
        int[] chosen = new int[total];
        int size = 0;
        for (int j = 0; j < n; j++) {
            if (open[j]) {
                System.arraycopy(lengths[j], 0, chosen, size, lengths[j].length);
                size += lengths[j].length;
            }
        }
        if (size > 0 && predictedNanos(chosen, size, maxPairs, nanosPerToken) <= limit) {
            for (int j = 0; j < n; j++) {
                counts[j] = open[j] ? lengths[j].length : 0;
            }
            return counts;
        }
        size = 0; // greedy, rank by rank; a few hundred pairs at most, so re-planning per candidate is cheap
        for (int rank = 0; anyOpen(open); rank++) {
            for (int j = 0; j < n; j++) {
                if (!open[j]) {
                    continue;
                }
                if (rank >= lengths[j].length) {
                    open[j] = false;
                    continue;
                }
                chosen[size] = lengths[j][rank];
                if (predictedNanos(chosen, size + 1, maxPairs, nanosPerToken) <= limit) {
                    size++;
                    counts[j]++;
                } else {
                    open[j] = false;
                }
            }
        }
        return counts;
    }

    private static boolean anyOpen(boolean[] open) {
        for (boolean o : open) {
            if (o) {
                return true;
            }
        }
        return false;
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
