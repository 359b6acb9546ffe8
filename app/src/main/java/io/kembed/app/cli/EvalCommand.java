package io.kembed.app.cli;

import io.kembed.app.eval.BeirDataset;
import io.kembed.app.eval.BeirEvaluation;
import io.kembed.app.eval.RerankEvaluation;
import io.kembed.app.eval.TrecRun;
import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.app.pipeline.PipelineOptions;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.model.ModelSpec;
import io.kembed.embed.BiEncoder;
import io.kembed.search.SearchClient;
import io.kembed.search.SearchOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kembed eval DIR}: ingest a BEIR-format corpus through the whole pipeline, run its test queries, write the
 * TREC run, and print nDCG@10 and Recall@100 next to the raw model's on the same data.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate retrieval on a BEIR-format dataset through the whole pipeline (nDCG@10, Recall@100), "
                + "optionally with rerank.")
public final class EvalCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR",
            description = "BEIR dataset: corpus.jsonl, queries.jsonl, qrels/test.tsv.")
    Path dir;

    @Option(names = "--run-out", paramLabel = "RUN.tsv", description = "TREC run file (default: DIR-name.<model>.run.tsv in the work dir).")
    Path runOut;

    @Option(names = "--work-dir", description = "Store and state directory (default: a temporary one, deleted after).")
    Path workDir;

    @Option(names = "--max-delta", defaultValue = "0.005",
            description = "Exit 1 if pipeline and raw nDCG@10 differ by more (default: ${DEFAULT-VALUE}).")
    double maxDelta;

    @Option(names = "--timeout-minutes", defaultValue = "60")
    long timeoutMinutes;

    @Option(names = "--rerank", description = "Also rerank the top --rerank-depth vector hits of each query through "
            + "SearchClient and report nDCG@10 with and without rerank.")
    boolean rerank;

    @Option(names = "--rerank-depth", defaultValue = "100",
            description = "Vector hits (chunks) reranked per query, at most 100 (default: ${DEFAULT-VALUE}).")
    int rerankDepth;

    @Option(names = "--rerank-queries", description = "Rerank only the first N queries (default: all); both "
            + "nDCG@10 figures are then over those N.")
    int rerankQueries = Integer.MAX_VALUE;

    @Mixin
    SearchRerankOptions reranker;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        BeirDataset data = BeirDataset.load(dir);
        ModelSpec model = modelOptions.spec();
        boolean temporary = workDir == null;
        Path work = temporary ? Files.createTempDirectory("kembed-eval") : workDir;
        String tenant = "beir-" + data.name();
        try (BiEncoder encoder = modelOptions.load()) {
            PipelineOptions options = new PipelineOptions(kafka.bootstrapServersOrNull(), kafka.topics(),
                    TopicAdmin.Layout.EMBEDDED, model, work.resolve("lucene"), PipelineOptions.defaultCollection(model),
                    work.resolve("streams-state"), kafka.clientProperties());
            out.printf("eval %s: %,d documents, %,d judged queries, model %s%n", data.name(), data.corpus().size(),
                    data.queries().size(), model.id());
            BeirEvaluation.Result r;
            RerankEvaluation.Result reranked = null;
            try (LocalPipeline pipeline = LocalPipeline.start(options, encoder)) {
                r = BeirEvaluation.run(data, pipeline, tenant, Duration.ofMinutes(timeoutMinutes));
                if (rerank) {
                    // a generous budget: eval measures the reranker's quality, not its latency
                    SearchClient client = pipeline.searchClient(reranker.open(), new SearchOptions(rerankDepth,
                            true, SearchOptions.DEFAULT_EMBED_TIMEOUT, Duration.ofMinutes(5)));
                    out.printf("reranking the top %d vector hits of %s queries with %s...%n", rerankDepth,
                            rerankQueries == Integer.MAX_VALUE ? "all" : "the first " + rerankQueries,
                            client.reranker().id());
                    reranked = RerankEvaluation.run(data, r.run(), client, tenant, rerankDepth, rerankQueries);
                }
            }
            Path run = runOut != null ? runOut : work.resolve(data.name() + "." + model.id() + ".run.tsv");
            if (temporary && runOut == null) {
                run = Path.of(data.name() + "." + model.id() + ".run.tsv");
            }
            TrecRun.write(run, r.run(), "kembed-" + model.id());
            double delta = Math.abs(r.pipeline().ndcg10() - r.raw().ndcg10());
            out.printf(Locale.ROOT, "ingest through Kafka: %,d docs in %.1f s (%,.1f docs/s), %d rejected%n", r.docs(),
                    r.ingestMillis() / 1000.0, r.docs() / (r.ingestMillis() / 1000.0), r.rejected());
            out.printf(Locale.ROOT, "queries: %d, P50 %.1f ms (embed + search)%n", r.queries(), r.queryMillisP50());
            out.printf(Locale.ROOT, "%-28s nDCG@10 %.4f  Recall@100 %.4f%n", "pipeline (Kafka -> Lucene HNSW)",
                    r.pipeline().ndcg10(), r.pipeline().recall100());
            out.printf(Locale.ROOT, "%-28s nDCG@10 %.4f  Recall@100 %.4f%n", "raw model (exact, in memory)",
                    r.raw().ndcg10(), r.raw().recall100());
            out.printf(Locale.ROOT, "delta nDCG@10 %.4f (limit %.4f); run written to %s%n", delta, maxDelta, run);
            if (reranked != null) {
                out.printf(Locale.ROOT, "%nrerank: %s, top %d vector hits, %d queries, P50 %.0f ms per search, "
                        + "outcomes %s%n", reranked.rerankerLabel(), rerankDepth, reranked.queries(),
                        reranked.millisP50(), reranked.statuses());
                out.printf(Locale.ROOT, "%-28s nDCG@10 %.4f  Recall@100 %.4f%n", "without rerank (vector order)",
                        reranked.withoutRerank().ndcg10(), reranked.withoutRerank().recall100());
                out.printf(Locale.ROOT, "%-28s nDCG@10 %.4f  Recall@100 %.4f%n", "with rerank",
                        reranked.withRerank().ndcg10(), reranked.withRerank().recall100());
                out.printf(Locale.ROOT, "rerank delta nDCG@10 %+.4f%n",
                        reranked.withRerank().ndcg10() - reranked.withoutRerank().ndcg10());
                Path rerankRun = Path.of(run.toString().replaceFirst("\\.run\\.tsv$", "") + ".reranked.run.tsv");
                TrecRun.write(rerankRun, reranked.run(), "kembed-rerank-" + model.id());
            }
            return delta <= maxDelta ? 0 : 1;
        } finally {
            if (temporary) {
                DemoCommand.deleteRecursively(work);
            }
        }
    }
}
