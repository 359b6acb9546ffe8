package io.kembed.app.cli;

import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.app.pipeline.PipelineOptions;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.model.ModelSpec;
import io.kembed.core.store.SearchHit;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.EmbedMetrics;
import io.kembed.producer.imports.ImportSummary;
import io.kembed.producer.imports.JsonlImporter;
import io.kembed.producer.imports.ConsoleProgress;
import io.kembed.producer.imports.ImportOptions;
import io.kembed.producer.imports.MappingPresets;
import io.kembed.search.SearchClient;
import io.kembed.search.SearchResult;
import io.kembed.search.cache.SearchCache;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kembed demo}: the main job on the embedded default. One JVM runs a real Kafka broker (KRaft), the embed
 * worker, the sink and the Lucene store; the EU Transparency Register contacts are imported as change events and
 * the command waits until every contact is searchable, then prints throughput and a few searches through
 * {@link SearchClient}, reranked (by the labelled bi-encoder fallback unless a cross-encoder is given).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole pipeline in one JVM on the EU Transparency Register contacts, then search them.")
public final class DemoCommand implements Callable<Integer> {

    /** Tenant the demo contacts are published under. */
    public static final String TENANT = "eu-register";

    static final List<String> QUERIES = List.of(
            "renewable energy and climate policy",
            "banking regulation and financial services",
            "patient access to medicines and public health",
            "protection des données personnelles et vie privée",
            "Landwirtschaft und ländliche Entwicklung");

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
            description = "EU register JSONL(.gz) (default: data/eu-transparency-register-2018/"
                    + "transparency_register_2018.jsonl.gz, found from the working directory or the jar's folder).")
    Path file;

    @Option(names = "--limit", description = "Import only the first N contacts (default: all).")
    long limit = Long.MAX_VALUE;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--work-dir", defaultValue = ".kembed",
            description = "Where the store and worker state go (default: ${DEFAULT-VALUE}); the demo's collection "
                    + "is recreated on each run.")
    Path workDir;

    @Option(names = "--timeout-minutes", defaultValue = "60", description = "Give up after this long.")
    long timeoutMinutes;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SearchClientOptions searchOptions;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path input = file != null ? file : DataFiles.euRegister();
        ModelSpec model = modelOptions.spec();
        String collection = PipelineOptions.defaultCollection(model);
        Path storeDir = workDir.resolve("lucene");
        Path stateDir = workDir.resolve("streams-state");
        deleteRecursively(storeDir.resolve(collection));
        deleteRecursively(stateDir);

        out.printf("kembed demo: %s -> Kafka -> embed worker (%s) -> sink -> Lucene (%s)%n", input, model.id(),
                storeDir.resolve(collection));
        long t0 = System.nanoTime();
        try (BiEncoder encoder = modelOptions.load()) {
            out.printf("model %s loaded in %d ms (%d dims, %s pooling, max %d tokens)%n", model.id(),
                    ms(t0), model.dims(), model.pooling(), model.maxTokens());
            long t1 = System.nanoTime();
            PipelineOptions options = new PipelineOptions(kafka.bootstrapServersOrNull(), kafka.topics(),
                    new TopicAdmin.Layout(partitions, (short) 1), model, storeDir, collection, stateDir,
                    kafka.clientProperties());
            try (SearchCache cache = searchOptions.redisUri() == null ? null : searchOptions.openCache();
                    LocalPipeline pipeline = cache == null ? LocalPipeline.start(options, encoder)
                            : LocalPipeline.start(options, encoder, cache)) {
                out.printf("Kafka %s at %s, topics ready, worker and sink started in %d ms%n",
                        kafka.bootstrapServersOrNull() == null ? "(embedded KRaft broker)" : "cluster",
                        pipeline.bootstrapServers(), ms(t1));
                long importStart = System.nanoTime();
                ImportSummary summary;
                try (ConsoleProgress progress = ConsoleProgress.forStderr()) {
                    summary = new JsonlImporter(pipeline.publisher(), MappingPresets.euTransparencyRegister(TENANT))
                            .run(input, ImportOptions.defaults(workDir.resolve("import.rejects.jsonl"))
                                    .withMaxLines(limit), progress);
                }
                out.printf("imported %,d contacts in %.1f s (%,.0f events/s), %d rejected%n", summary.published(),
                        summary.elapsedMs() / 1000.0, summary.eventsPerSecond(), summary.rejected());
                long searchable = awaitSearchable(pipeline, summary.published());
                double seconds = (System.nanoTime() - importStart) / 1e9;
                EmbedMetrics m = pipeline.worker().metrics();
                out.println();
                out.printf(Locale.ROOT, "%,d of %,d contacts searchable after %.1f s: %,.1f contacts/s, %,.0f tokens/s"
                        + " (%,d tokens, %d truncated at %d tokens)%n", searchable, summary.published(), seconds,
                        searchable / seconds, m.tokens() / seconds, m.tokens(), m.truncatedTexts(), model.maxTokens());
                out.printf("worker: embedded %d, unchanged %d, stale %d, duplicate %d, dead-lettered %d%n",
                        m.total(EmbedMetrics.Outcome.EMBEDDED), m.total(EmbedMetrics.Outcome.UNCHANGED),
                        m.total(EmbedMetrics.Outcome.STALE), m.total(EmbedMetrics.Outcome.DUPLICATE),
                        m.total(EmbedMetrics.Outcome.DEAD_LETTERED));
                SearchClient client = pipeline.searchClient(searchOptions.openReranker(), searchOptions.searchOptions());
                for (String q : QUERIES) {
                    printSearch(out, client, q);
                }
                out.printf("%nThe store stays in %s: try ./kembed search --tenant %s \"your query\"%n", storeDir,
                        TENANT);
                return searchable == summary.published() ? 0 : 1;
            }
        }
    }

    private long awaitSearchable(LocalPipeline pipeline, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(timeoutMinutes).toNanos();
        long count = 0;
        try (ProgressBar bar = Bars.create("Searchable", expected, "contacts")) {
            while (System.nanoTime() < deadline) {
                count = pipeline.store().count(TENANT);
                bar.stepTo(count);
                if (count >= expected) {
                    break;
                }
                if (pipeline.sink().failure() != null) {
                    throw new IllegalStateException("sink failed", pipeline.sink().failure());
                }
                Thread.sleep(500);
            }
        }
        return count;
    }

    static void printSearch(PrintStream out, SearchClient client, String query) {
        SearchResult r = client.search(TENANT, query, 3);
        out.printf(Locale.ROOT, "%nsearch \"%s\" (%.0f ms, %s)%n", query, r.elapsedMillis(), r.rerankLabel());
        int rank = 1;
        for (SearchResult.Hit hit : r.hits()) {
            SearchHit h = hit.hit();
            String rerank = hit.rerankScore() == null ? ""
                    : String.format(Locale.ROOT, ", rerank %.3f", hit.rerankScore());
            out.printf(Locale.ROOT, "  %d. %.3f  %s  (vector rank %d%s)%n       %s%n", rank++, h.score(), h.title(),
                    hit.vectorRank(), rerank, abbreviate(h.snippet(), 120));
        }
    }

    static String abbreviate(String s, int max) {
        String oneLine = s.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 1) + "…";
    }

    static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
