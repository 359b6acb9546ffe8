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
}
