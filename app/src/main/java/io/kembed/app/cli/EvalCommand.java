package io.kembed.app.cli;

import io.kembed.app.eval.BeirDataset;
import io.kembed.app.eval.BeirEvaluation;
import io.kembed.app.eval.TrecRun;
import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.app.pipeline.PipelineOptions;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.model.ModelSpec;
import io.kembed.embed.BiEncoder;
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
        description = "Evaluate retrieval on a BEIR-format dataset through the whole pipeline (nDCG@10, Recall@100).")
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
            try (LocalPipeline pipeline = LocalPipeline.start(options, encoder)) {
                r = BeirEvaluation.run(data, pipeline, tenant, Duration.ofMinutes(timeoutMinutes));
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
            return delta <= maxDelta ? 0 : 1;
        } finally {
            if (temporary) {
                DemoCommand.deleteRecursively(work);
            }
        }
    }
}
