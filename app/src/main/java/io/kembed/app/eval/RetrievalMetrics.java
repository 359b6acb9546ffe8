package io.kembed.app.eval;

import java.util.List;
import java.util.Map;

/**
 * Ranking metrics as trec_eval and pytrec_eval (used by BEIR) compute them, averaged over queries.
 *
 * <p>nDCG@k (Järvelin and Kekäläinen, 2002) with linear gain {@code rel} and discount {@code 1/log2(rank+1)};
 * the ideal ranking sorts all judged documents of the query by relevance. Recall@k counts documents with
 * relevance &gt; 0.
 */
public final class RetrievalMetrics {

    private RetrievalMetrics() {
    }

    /**
     * @param ranked document ids, best first
     * @param judged relevance per document id (missing = 0)
     * @return nDCG@k in [0, 1]; 0 when the query has no relevant document
     */
    public static double ndcg(List<String> ranked, Map<String, Integer> judged, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            int rel = judged.getOrDefault(ranked.get(i), 0);
            if (rel > 0) {
                dcg += rel / log2(i + 2);
            }
        }
        int[] ideal = judged.values().stream().filter(r -> r > 0).sorted((a, b) -> b - a)
                .mapToInt(Integer::intValue).toArray();
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.length); i++) {
            idcg += ideal[i] / log2(i + 2);
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    /** @return relevant documents in the top k divided by all relevant documents; 0 when there are none */
    public static double recall(List<String> ranked, Map<String, Integer> judged, int k) {
        long relevant = judged.values().stream().filter(r -> r > 0).count();
        if (relevant == 0) {
            return 0;
        }
        long found = ranked.stream().limit(k).filter(d -> judged.getOrDefault(d, 0) > 0).count();
        return (double) found / relevant;
    }

    /** Mean of a metric over all judged queries; a query missing from {@code runs} scores 0. */
    public static double mean(Map<String, List<String>> runs, Map<String, Map<String, Integer>> qrels, int k,
            boolean ndcg) {
        if (qrels.isEmpty()) {
            return 0;
        }
        double sum = 0;
        for (Map.Entry<String, Map<String, Integer>> q : qrels.entrySet()) {
            List<String> ranked = runs.getOrDefault(q.getKey(), List.of());
            sum += ndcg ? ndcg(ranked, q.getValue(), k) : recall(ranked, q.getValue(), k);
        }
        return sum / qrels.size();
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
