package io.kembed.app.eval;

import io.kembed.app.eval.TrecRun.Scored;
import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.core.event.DocumentEvent;
import io.kembed.core.event.InvalidEventException;
import io.kembed.core.store.SearchHit;
import io.kembed.core.vector.FloatVectors;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.PassageEmbedding;
import io.kembed.embed.TextChunk;
import io.kembed.producer.ChangePublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Evaluates retrieval on a BEIR dataset twice: through the whole pipeline (documents published to Kafka, embedded
 * by the worker, written by the sink, searched in the store) and with the raw model (the same chunking and
 * embedding in memory, exact cosine search). The two nDCG@10 must agree; a gap means the pipeline loses or
 * distorts something.
 */
public final class BeirEvaluation {

    /** Documents retrieved per query for Recall@100 (BEIR reports Recall@100). */
    public static final int DEPTH = 100;

    private BeirEvaluation() {
    }

    /** Metrics of one run. */
    public record Metrics(double ndcg10, double recall100) {
    }

    /**
     * @param pipeline pipeline metrics and run
     * @param raw the raw model's metrics on the same data
     * @param docs documents published
     * @param rejected documents the publisher refused (for example empty), listed in the log
     * @param ingestMillis publish until every document is searchable, ms
     * @param queryMillisP50 median per-query latency (embed + search), ms
     * @param run the pipeline's ranked documents per query
     */
    public record Result(Metrics pipeline, Metrics raw, int docs, int rejected, int queries, long ingestMillis,
            double queryMillisP50, Map<String, List<Scored>> run) {
    }

    /**
     * @throws IllegalStateException if the pipeline does not drain within {@code timeout}
     */
    public static Result run(BeirDataset data, LocalPipeline pipeline, String tenant, Duration timeout)
            throws InterruptedException {
        long start = System.nanoTime();
        int rejected = 0;
        ChangePublisher publisher = pipeline.publisher();
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (BeirDataset.Doc d : data.corpus()) {
            try {
                sends.add(publisher.publish(DocumentEvent.upsert(tenant, d.id(), 1, d.title(), d.text())));
            } catch (InvalidEventException e) {
                rejected++;
            }
        }
        publisher.flush();
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
        if (!pipeline.awaitDrained(timeout)) {
            throw new IllegalStateException("pipeline did not drain within " + timeout);
        }
        long ingestMillis = (System.nanoTime() - start) / 1_000_000;

        BiEncoder encoder = pipeline.encoder();
        Map<String, List<Scored>> run = new LinkedHashMap<>();
        List<Double> latencies = new ArrayList<>();
        for (Map.Entry<String, String> q : data.queries().entrySet()) {
            long t = System.nanoTime();
            float[] query = encoder.embedQuery(q.getValue());
            List<SearchHit> hits = pipeline.store().search(tenant, query, 2 * DEPTH);
            latencies.add((System.nanoTime() - t) / 1e6);
            run.put(q.getKey(), bestPerDocument(hits));
        }
        Metrics viaPipeline = metrics(run, data);
        Metrics raw = metrics(rawRun(data, encoder, pipeline.worker().config().chunkOverlapTokens()), data);
        latencies.sort(Comparator.naturalOrder());
        double p50 = latencies.isEmpty() ? 0 : latencies.get(latencies.size() / 2);
        return new Result(viaPipeline, raw, data.corpus().size() - rejected, rejected, data.queries().size(),
                ingestMillis, p50, run);
    }

    static Metrics metrics(Map<String, List<Scored>> run, BeirDataset data) {
        return metrics(run, data.qrels());
    }

    /** nDCG@10 and Recall@100 of {@code run}, averaged over the queries of {@code qrels}. */
    public static Metrics metrics(Map<String, List<Scored>> run, Map<String, Map<String, Integer>> qrels) {
        Map<String, List<String>> ids = new LinkedHashMap<>();
        run.forEach((q, scored) -> ids.put(q, scored.stream().map(Scored::docId).toList()));
        return new Metrics(RetrievalMetrics.mean(ids, qrels, 10, true),
                RetrievalMetrics.mean(ids, qrels, DEPTH, false));
    }

    /** Chunk hits to documents: a document scores as its best chunk (MaxP), top {@link #DEPTH}. */
    public static List<Scored> bestPerDocument(List<SearchHit> hits) {
        Map<String, Double> best = new LinkedHashMap<>();
        for (SearchHit h : hits) {
            best.merge(h.entity().id(), (double) h.score(), Math::max);
        }
        return best.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(DEPTH)
                .map(e -> new Scored(e.getKey(), e.getValue()))
                .toList();
    }

    /** The raw model: same chunking and embedding in memory, exact (brute-force) cosine, MaxP per document. */
    static Map<String, List<Scored>> rawRun(BeirDataset data, BiEncoder encoder, int overlapTokens) {
        List<String> chunkDoc = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (BeirDataset.Doc d : data.corpus()) {
            String text = DocumentEvent.upsert("raw", d.id(), 1, d.title(), d.text()).embeddableText();
            if (text.isBlank()) {
                continue;
            }
            for (TextChunk c : encoder.chunk(text, overlapTokens)) {
                chunkDoc.add(d.id());
                texts.add(c.text());
            }
        }
        List<PassageEmbedding> vectors = encoder.embedPassages(texts);
        Map<String, List<Scored>> run = new LinkedHashMap<>();
        for (Map.Entry<String, String> q : data.queries().entrySet()) {
            float[] query = encoder.embedQuery(q.getValue());
            Map<String, Double> best = new LinkedHashMap<>();
            for (int i = 0; i < vectors.size(); i++) {
                best.merge(chunkDoc.get(i), FloatVectors.cosine(query, vectors.get(i).vector()), Math::max);
            }
            run.put(q.getKey(), best.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .limit(DEPTH)
                    .map(e -> new Scored(e.getKey(), e.getValue()))
                    .toList());
        }
        return run;
    }
}
