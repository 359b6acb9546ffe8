package io.kembed.app.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.event.EntityKey;
import io.kembed.core.store.SearchHit;
import io.kembed.search.RerankStatus;
import io.kembed.search.SearchResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class RerankEvaluationTest {

    private static SearchResult.Hit hit(String doc, int chunk, float cosine, int vectorRank, Float rerank) {
        return new SearchResult.Hit(new SearchHit(EntityKey.document("t", doc), chunk, cosine, 1, "m", doc, ""),
                vectorRank, rerank);
    }

    private static SearchResult result(RerankStatus status, SearchResult.Hit... hits) {
        return new SearchResult(List.of(hits), status, null, null, "m", "c", false, false, 1);
    }

    @Test
    void reranked_documentsTakeTheirBestChunksPlace_withTheRerankScore() {
        List<TrecRun.Scored> docs = RerankEvaluation.rankedDocuments(result(RerankStatus.RERANKED,
                hit("b", 1, 0.5f, 3, 2.5f), hit("a", 0, 0.9f, 1, 1.5f), hit("b", 0, 0.8f, 2, 0.5f)));
        assertThat(docs).containsExactly(new TrecRun.Scored("b", 2.5), new TrecRun.Scored("a", 1.5));
    }

    @Test
    void partial_usesRankScores_soTheUnscoredTailStaysBelow() {
        List<TrecRun.Scored> docs = RerankEvaluation.rankedDocuments(result(RerankStatus.PARTIAL,
                hit("a", 0, 0.9f, 2, -7f), hit("b", 0, 0.95f, 1, null), hit("c", 0, 0.7f, 3, null)));
        assertThat(docs).extracting(TrecRun.Scored::docId).containsExactly("a", "b", "c");
        assertThat(docs).extracting(TrecRun.Scored::score).containsExactly(3.0, 2.0, 1.0);
    }

    @Test
    void vectorOrder_keepsTheCosine() {
        List<TrecRun.Scored> docs = RerankEvaluation.rankedDocuments(result(RerankStatus.FALLBACK_TIMEOUT,
                hit("a", 0, 0.9f, 1, null), hit("b", 0, 0.8f, 2, null)));
        assertThat(docs).extracting(TrecRun.Scored::score).containsExactly((double) 0.9f, (double) 0.8f);
    }
}
