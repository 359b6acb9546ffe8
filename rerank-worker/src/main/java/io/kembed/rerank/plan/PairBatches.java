package io.kembed.rerank.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Length-sorted batching: pairs are sorted by token count and cut into batches of at most {@code maxPairs}, so each
 * batch pads to a length close to its members' and little compute goes to padding.
 */
public final class PairBatches {

    private PairBatches() {
    }

    /**
     * @param lengths tokens per pair, in request order
     * @param maxPairs most pairs per batch, {@code >= 1}
     * @return batches of indexes into {@code lengths}, shortest pairs first; every index appears exactly once
     */
    public static List<int[]> plan(int[] lengths, int maxPairs) {
        if (maxPairs < 1) {
            throw new IllegalArgumentException("maxPairs must be >= 1, got " + maxPairs);
        }
        int[] order = IntStream.range(0, lengths.length).boxed()
                .sorted(Comparator.<Integer>comparingInt(i -> lengths[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < order.length; from += maxPairs) {
            int to = Math.min(order.length, from + maxPairs);
            int[] batch = new int[to - from];
            System.arraycopy(order, from, batch, 0, batch.length);
            batches.add(batch);
        }
        return batches;
    }

    /** @return tokens the batch costs once padded to its longest pair: {@code size * max(length)} */
    public static long paddedTokens(int[] batch, int[] lengths) {
        int max = 0;
        for (int i : batch) {
            max = Math.max(max, lengths[i]);
        }
        return (long) max * batch.length;
    }
}
