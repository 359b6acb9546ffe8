package io.kembed.rerank.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeadlinePlannerTest {

    @Test
    void batches_areLengthSorted_andCoverEveryPairOnce() {
        List<int[]> batches = PairBatches.plan(new int[] {30, 10, 20, 10, 40}, 2);
        assertThat(batches).hasSize(3);
        assertThat(batches.get(0)).containsExactly(1, 3);
        assertThat(batches.get(1)).containsExactly(2, 0);
        assertThat(batches.get(2)).containsExactly(4);
        assertThat(PairBatches.paddedTokens(batches.get(1), new int[] {30, 10, 20, 10, 40})).isEqualTo(60);
    }

    @Test
    void prefix_isTheLongestThatFitsTheBudget() {
        int[] lengths = {10, 10, 10, 10};
        // one pair per batch, 1000 ns/token: each pair costs 10 µs
        assertThat(DeadlinePlanner.affordablePrefix(lengths, 1, 1000, 25_000)).isEqualTo(2);
        assertThat(DeadlinePlanner.affordablePrefix(lengths, 1, 1000, 40_000)).isEqualTo(4);
        assertThat(DeadlinePlanner.affordablePrefix(lengths, 1, 1000, 9_999)).isZero();
        assertThat(DeadlinePlanner.affordablePrefix(lengths, 1, 1000, -1)).isZero();
    }

    @Test
    void prefixCost_countsPaddingOfLengthSortedBatches() {
        // batch of 2: {5, 20} pads to 2 x 20 = 40 tokens
        assertThat(DeadlinePlanner.predictedNanos(new int[] {5, 20}, 2, 2, 1.0)).isEqualTo(40.0);
    }

    @Test
    void costEstimate_movesTowardsMeasurements() {
        CostEstimate cost = new CostEstimate(100, 0.5);
        cost.observe(10, 2_000); // 200 ns/token
        assertThat(cost.nanosPerToken()).isEqualTo(150.0);
        cost.observe(0, 5); // ignored
        assertThat(cost.observations()).isEqualTo(1);
    }

    @Test
    void prefixes_ofOneRequest_equalTheSingleRequestPlan() {
        int[] lengths = {12, 30, 7, 18, 25, 9};
        for (long budget : new long[] {-1, 0, 6_999, 7_000, 30_000, 60_000, 90_000, 1_000_000}) {
            for (int maxPairs : new int[] {1, 2, 32}) {
                assertThat(DeadlinePlanner.affordablePrefixes(new int[][] {lengths}, new long[] {budget}, maxPairs,
                        100.0))
                        .as("budget %d, maxPairs %d", budget, maxPairs)
                        .containsExactly(DeadlinePlanner.affordablePrefix(lengths, maxPairs, 100.0, budget));
            }
        }
    }

    @Test
    void prefixes_whenEverythingFits_scoreEveryPairOfEveryRequest() {
        int[][] lengths = {{10, 10}, {10, 10, 10}};
        // one batch of 5 pairs x 10 tokens at 1000 ns/token: 50 µs
        assertThat(DeadlinePlanner.affordablePrefixes(lengths, new long[] {50_000, 80_000}, 32, 1000))
                .containsExactly(2, 3);
    }

    @Test
    void prefixes_shareTheTightestBudget_rankByRank() {
        int[][] lengths = {{10, 10, 10}, {10, 10, 10}};
        // one pair per batch costs 10 µs; the run must fit 45 µs (the smaller budget): four pairs, taken as
        // request 0 rank 0, request 1 rank 0, request 0 rank 1, request 1 rank 1
        assertThat(DeadlinePlanner.affordablePrefixes(lengths, new long[] {100_000, 45_000}, 1, 1000))
                .containsExactly(2, 2);
        // 35 µs: three pairs, the third being request 0's second candidate; request 1 stops at its first
        assertThat(DeadlinePlanner.affordablePrefixes(lengths, new long[] {35_000, 100_000}, 1, 1000))
                .containsExactly(2, 1);
    }

    @Test
    void prefixes_aRequestThatCannotAffordItsBestCandidate_scoresNothing_andDoesNotLimitTheOthers() {
        int[][] lengths = {{10, 10, 10}, {10, 10}};
        assertThat(DeadlinePlanner.affordablePrefixes(lengths, new long[] {100_000, 5_000}, 1, 1000))
                .containsExactly(3, 0);
        assertThat(DeadlinePlanner.affordablePrefixes(new int[][] {{10}, {}}, new long[] {0, 100_000}, 1, 1000))
                .containsExactly(0, 0);
    }
}
