package io.kembed.embed.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {

    @Test
    void texts_areSortedByLength_andCutByBatchSize() {
        int[] lengths = {50, 10, 40, 20, 30};

        List<int[]> plan = BatchPlanner.plan(lengths, 2, 1_000);

        assertThat(plan).containsExactly(new int[] {1, 3}, new int[] {4, 2}, new int[] {0});
    }

    @Test
    void paddedTokenBudget_cutsBatchesBeforeSizeLimit() {
        int[] lengths = {100, 100, 100, 200, 200};

        // 3 × 100 = 300 fits 300; adding a 200 would cost 4 × 200 = 800; two 200s cost 400 > 300.
        List<int[]> plan = BatchPlanner.plan(lengths, 32, 300);

        assertThat(plan).containsExactly(new int[] {0, 1, 2}, new int[] {3}, new int[] {4});
    }

    @Test
    void textLongerThanTokenBudget_getsABatchOfItsOwn() {
        List<int[]> plan = BatchPlanner.plan(new int[] {5, 600, 5}, 8, 512);

        assertThat(plan).containsExactly(new int[] {0, 2}, new int[] {1});
    }

    @Test
    void equalLengths_keepInputOrder() {
        assertThat(BatchPlanner.plan(new int[] {7, 7, 7, 7}, 3, 100))
                .containsExactly(new int[] {0, 1, 2}, new int[] {3});
    }

    @Test
    void randomPlans_coverEveryIndexOnce_andRespectBothLimits() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int[] lengths = random.ints(random.nextInt(100), 2, 513).toArray();
            int maxSize = 1 + random.nextInt(40);
            int maxTokens = 512 + random.nextInt(8192);

            List<int[]> plan = BatchPlanner.plan(lengths, maxSize, maxTokens);

            int[] all = plan.stream().flatMapToInt(Arrays::stream).sorted().toArray();
            assertThat(all).containsExactly(IntStream.range(0, lengths.length).toArray());
            for (int[] batch : plan) {
                assertThat(batch.length).isBetween(1, maxSize);
                int longest = Arrays.stream(batch).map(i -> lengths[i]).max().orElseThrow();
                assertThat((long) batch.length * longest).isLessThanOrEqualTo(maxTokens);
            }
        }
    }

    @Test
    void sortedPlan_padsLessThanInputOrder() {
        int[] lengths = new Random(7).ints(300, 5, 513).toArray();

        long sorted = BatchPlanner.paddedTokens(lengths, BatchPlanner.plan(lengths, 32, Integer.MAX_VALUE));
        long unsorted = BatchPlanner.paddedTokens(lengths, BatchPlanner.inOrder(lengths.length, 32));

        assertThat(sorted).isLessThan(unsorted * 2 / 3);
        assertThat(sorted).isGreaterThanOrEqualTo(Arrays.stream(lengths).asLongStream().sum());
    }

    @Test
    void noTexts_noBatches() {
        assertThat(BatchPlanner.plan(new int[0], 4, 100)).isEmpty();
        assertThat(BatchPlanner.inOrder(0, 4)).isEmpty();
    }

    @Test
    void inOrder_cutsConsecutiveRuns() {
        assertThat(BatchPlanner.inOrder(5, 2))
                .containsExactly(new int[] {0, 1}, new int[] {2, 3}, new int[] {4});
    }

    @Test
    void paddedTokens_isSizeTimesLongestPerBatch() {
        int[] lengths = {3, 10, 4};
        assertThat(BatchPlanner.paddedTokens(lengths, List.of(new int[] {0, 1}, new int[] {2}))).isEqualTo(24);
    }

    @Test
    void badLimits_areRejected() {
        assertThatThrownBy(() -> BatchPlanner.plan(new int[] {1}, 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BatchPlanner.plan(new int[] {1}, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BatchPlanner.plan(new int[] {-1}, 1, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BatchPlanner.inOrder(3, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
