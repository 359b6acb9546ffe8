package io.kembed.embed.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Groups texts into inference batches. A batch is padded to its longest sequence, so its cost is
 * {@code batchSize × longestLength} tokens ("padded tokens"); grouping texts of similar length keeps that close to
 * the real token count.
 */
public final class BatchPlanner {

    private BatchPlanner() {
    }

    /**
     * Plans length-sorted batches: sorts the texts by token length (shortest first, ties in input order) and cuts
     * the sorted run into batches of at most {@code maxBatchSize} texts and at most {@code maxBatchTokens} padded
     * tokens ({@code batchSize × longest length in the batch}). A single text longer than {@code maxBatchTokens}
     * still gets a batch of its own.
     *
     * @param tokenLengths {@code int[texts]}, tokens per text (special tokens included), each {@code >= 0}
     * @param maxBatchSize most texts per batch, {@code >= 1}
     * @param maxBatchTokens most padded tokens per batch, {@code >= 1}
     * @return index groups into {@code tokenLengths}, each non-empty; every index appears exactly once; batches come
     *     shortest first and indices within a batch in ascending length
     * @throws IllegalArgumentException if a limit is below 1 or a length is negative
     */
    public static List<int[]> plan(int[] tokenLengths, int maxBatchSize, int maxBatchTokens) {
        checkLimits(maxBatchSize, maxBatchTokens);
        for (int i = 0; i < tokenLengths.length; i++) {
            if (tokenLengths[i] < 0) {
                throw new IllegalArgumentException("tokenLengths[" + i + "] is negative: " + tokenLengths[i]);
            }
        }
        // Stable sort: equal lengths keep input order, so plans are deterministic.
        int[] order = IntStream.range(0, tokenLengths.length).boxed()
                .sorted(Comparator.comparingInt(i -> tokenLengths[i]))
                .mapToInt(Integer::intValue)
                .toArray();

        List<int[]> batches = new ArrayList<>();
        int from = 0;
        while (from < order.length) {
            int to = from + 1; // a batch always takes at least one text
            // Ascending order: the text being added is the batch's longest, so the padded cost is size × its length.
            while (to < order.length && to - from < maxBatchSize
                    && (long) (to - from + 1) * tokenLengths[order[to]] <= maxBatchTokens) {
                to++;
            }
            batches.add(Arrays.copyOfRange(order, from, to));
            from = to;
        }
        return batches;
    }

    /**
     * Plans batches in input order, {@code batchSize} texts each (the last may be smaller), ignoring lengths; the
     * baseline that {@link #plan} improves on.
     *
     * @param texts number of texts, {@code >= 0}
     * @param batchSize texts per batch, {@code >= 1}
     * @return index groups {@code [0..batchSize), [batchSize..2·batchSize), …}
     * @throws IllegalArgumentException if {@code batchSize < 1} or {@code texts < 0}
     */
    public static List<int[]> inOrder(int texts, int batchSize) {
        if (batchSize < 1 || texts < 0) {
            throw new IllegalArgumentException("need texts >= 0 and batchSize >= 1, got " + texts + ", " + batchSize);
        }
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < texts; from += batchSize) {
            batches.add(IntStream.range(from, Math.min(texts, from + batchSize)).toArray());
        }
        return batches;
    }

    /**
     * Padded tokens a plan costs: for each batch, its size times its longest length.
     *
     * @param tokenLengths {@code int[texts]}
     * @param batches index groups into {@code tokenLengths}
     * @return the sum over batches of {@code batchSize × longest}, in tokens
     */
    public static long paddedTokens(int[] tokenLengths, List<int[]> batches) {
        long total = 0;
        for (int[] batch : batches) {
            int longest = 0;
            for (int i : batch) {
                longest = Math.max(longest, tokenLengths[i]);
            }
            total += (long) batch.length * longest;
        }
        return total;
    }

    private static void checkLimits(int maxBatchSize, int maxBatchTokens) {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + maxBatchSize);
        }
        if (maxBatchTokens < 1) {
            throw new IllegalArgumentException("maxBatchTokens must be >= 1, got " + maxBatchTokens);
        }
    }
}
