package io.kembed.app.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {

    @Test
    void ndcg_matchesAHandComputedValue() {
        // ranks 1..3 = d3 (rel 0), d1 (rel 2), d2 (rel 1); ideal = [2, 1]
        double dcg = 2 / log2(3) + 1 / log2(4);
        double idcg = 2 / log2(2) + 1 / log2(3);
        assertThat(RetrievalMetrics.ndcg(List.of("d3", "d1", "d2"), Map.of("d1", 2, "d2", 1), 10))
                .isCloseTo(dcg / idcg, within(1e-12));
    }

    @Test
    void perfectRanking_isOne_andCutoffApplies() {
        assertThat(RetrievalMetrics.ndcg(List.of("a", "b"), Map.of("a", 2, "b", 1), 10)).isEqualTo(1.0);
        assertThat(RetrievalMetrics.ndcg(List.of("x", "a"), Map.of("a", 1), 1)).isZero();
    }

    @Test
    void recall_countsRelevantInTopK_only() {
        Map<String, Integer> judged = Map.of("a", 1, "b", 1, "c", 0);
        assertThat(RetrievalMetrics.recall(List.of("a", "c", "b"), judged, 2)).isEqualTo(0.5);
        assertThat(RetrievalMetrics.recall(List.of("a", "c", "b"), judged, 3)).isEqualTo(1.0);
    }

    @Test
    void mean_countsMissingQueriesAsZero() {
        Map<String, Map<String, Integer>> qrels = Map.of("q1", Map.of("a", 1), "q2", Map.of("b", 1));
        assertThat(RetrievalMetrics.mean(Map.of("q1", List.of("a")), qrels, 10, true)).isEqualTo(0.5);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
