package io.kembed.app.eval;

import io.kembed.app.eval.BeirEvaluation.Metrics;
import io.kembed.app.eval.TrecRun.Scored;
import io.kembed.search.RerankStatus;
import io.kembed.search.SearchClient;
import io.kembed.search.SearchResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kembed eval --rerank}: the pipeline's vector ranking against the same ranking reranked through
 * {@link SearchClient}, on the same queries, both scored with nDCG@10 and Recall@100.
 */
public final class RerankEvaluation {

    private RerankEvaluation() {
    }

    /**
     * @param withoutRerank the pipeline run's metrics on the evaluated queries
     * @param withRerank the reranked run's metrics on the same queries
     * @param queries queries evaluated
     * @param statuses how many searches ended in each rerank status
     * @param rerankerLabel the reranker's id and kind
     * @param millisP50 median search latency with rerank, ms
     * @param run the reranked run
     */
    public record Result(Metrics withoutRerank, Metrics withRerank, int queries, Map<RerankStatus, Integer> statuses,
            String rerankerLabel, double millisP50, Map<String, List<Scored>> run) {
    }

    /**
     * Reranks the top {@code depth} vector hits of the first {@code maxQueries} queries.
     *
     * @param vectorRun the pipeline's run (vector order), from {@link BeirEvaluation#run}
     * @param client a client over the same store, with a reranker and {@code candidates = depth}
     */
    public static Result run(BeirDataset data, Map<String, List<Scored>> vectorRun, SearchClient client,
            String tenant, int depth, int maxQueries) {
        Map<String, List<Scored>> reranked = new LinkedHashMap<>();
        Map<String, List<Scored>> baseline = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        Map<RerankStatus, Integer> statuses = new EnumMap<>(RerankStatus.class);
        List<Double> latencies = new ArrayList<>();
        String label = null;
        for (Map.Entry<String, String> q : data.queries().entrySet()) {
            if (reranked.size() >= maxQueries) {
                break;
            }
            SearchResult r = client.search(tenant, q.getValue(), depth);
            latencies.add(r.elapsedMillis());
            statuses.merge(r.rerankStatus(), 1, Integer::sum);
            label = r.rerankerId() == null ? "none" : r.rerankerId() + " (" + r.rerankerKind() + ")";
            reranked.put(q.getKey(), rankedDocuments(r));
            baseline.put(q.getKey(), vectorRun.getOrDefault(q.getKey(), List.of()));
            if (data.qrels().containsKey(q.getKey())) {
                qrels.put(q.getKey(), data.qrels().get(q.getKey()));
            }
        }
        latencies.sort(Comparator.naturalOrder());
        return new Result(BeirEvaluation.metrics(baseline, qrels), BeirEvaluation.metrics(reranked, qrels),
                reranked.size(), statuses, label, latencies.isEmpty() ? 0 : latencies.get(latencies.size() / 2),
                reranked);
    }

    /**
     * A search result as ranked documents (MaxP: a document takes the place of its best-ranked chunk). Its score is
     * the rerank score after a full rerank, the cosine in vector order, and a rank-based score ({@code n - rank})
     * after a partial rerank, whose unscored tail has no comparable score.
     */
    public static List<Scored> rankedDocuments(SearchResult r) {
        Map<String, Scored> best = new LinkedHashMap<>();
        int n = r.hits().size();
        for (int i = 0; i < n; i++) {
            SearchResult.Hit hit = r.hits().get(i);
            double score = switch (r.rerankStatus()) {
                case RERANKED -> hit.rerankScore();
                case PARTIAL -> n - i;
                default -> hit.hit().score();
            };
            best.putIfAbsent(hit.hit().entity().id(), new Scored(hit.hit().entity().id(), score));
        }
        return List.copyOf(best.values());
    }
}
