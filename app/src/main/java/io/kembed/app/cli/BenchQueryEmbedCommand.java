package io.kembed.app.cli;

import io.kembed.app.bench.RegisterTexts;
import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.app.pipeline.PipelineOptions;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.model.ModelSpec;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.embed.PassageEmbedding;
import io.kembed.embed.PriorityGate;
import io.kembed.embed.query.QueryEmbedClient;
import io.kembed.embed.query.QueryEmbedServer;
import io.kembed.embed.query.QueryEmbedTimeoutException;
import io.kembed.embed.query.QueryEmbedTopics;
import io.kembed.producer.ChangePublisher;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kembed bench query-embed}: query-embedding round trips (client → {@code <prefix>.embed.queries} → query
 * server → reply topic → client) measured with HdrHistogram, (a) with the embed worker idle, (b) while a bulk
 * import of EU-register contacts runs through the same worker process with the interactive lane on, and (c) the
 * same import with the lane off. Queries are sent open-loop at a fixed rate, so a slow reply does not delay the
 * next send (no coordinated omission). First, a check of whether a batch of same-length int8 queries is faster
 * than one run per query.
 */
@Command(name = "query-embed", mixinStandardHelpOptions = true,
        description = "Query-embedding round-trip latency over Kafka: idle, during a bulk import with the "
                + "interactive lane on, and with it off.")
final class BenchQueryEmbedCommand implements Callable<Integer> {

    private static final List<String> QUERIES = List.of("offshore wind energy", "tobacco control lobbying",
            "agricultural subsidies for small farmers", "data protection and privacy rules",
            "pharmaceutical industry association", "renewable energy cooperatives", "automotive emissions standards",
            "financial services regulation", "human rights organisations in Brussels", "fisheries policy",
            "chemical industry REACH", "telecommunications operators", "public health NGOs",
            "trade unions representing transport workers", "climate change think tank", "banking association");

    @Option(names = "--contacts", defaultValue = "2000",
            description = "EU-register contacts imported during each bulk phase (default: ${DEFAULT-VALUE}).")
    int contacts;

    @Option(names = "--qps", defaultValue = "5", description = "Queries sent per second (default: ${DEFAULT-VALUE}).")
    double qps;

    @Option(names = "--idle-queries", defaultValue = "200",
            description = "Queries measured with the worker idle (default: ${DEFAULT-VALUE}).")
    int idleQueries;

    @Option(names = "--warmup-queries", defaultValue = "50",
            description = "Queries sent first in each phase and not measured (JIT) (default: ${DEFAULT-VALUE}).")
    int warmupQueries;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--timeout-ms", defaultValue = "10000",
            description = "Timeout of each query; a timed-out query counts at this value (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    ModelOptions modelOptions;

    /** Latency percentiles in ms, queries sent, failures, and bulk contacts stored per second meanwhile. */
    record Phase(String name, Histogram latency, long sent, long timeouts, long errors, double bulkPerSecond,
            PriorityGate.Counters gate) {
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        ModelSpec model = modelOptions.spec();
        BiEncoderOptions options = modelOptions.encoderOptions();
        List<ContactEvent> bulk = RegisterTexts.contacts(DataFiles.euRegister(), "bench", contacts);
        out.printf(Locale.ROOT, "bench query-embed: %s, %d cores, %.1f queries/s open-loop, %,d contacts per bulk "
                + "phase%n", model.id(), Runtime.getRuntime().availableProcessors(), qps, bulk.size());
        String given = kafka.bootstrapServersOrNull();
        try (EmbeddedKafka embedded = given == null ? EmbeddedKafka.start() : null;
                BiEncoder encoder = BiEncoder.load(model, options)) {
            String bootstrap = given != null ? given : embedded.bootstrapServers();
            out.printf("%n[1/3] batching check: 8 same-length queries, one ONNX run each vs one batch of 8 "
                    + "(%d intra-op thread%s)%n", options.intraOpThreads(), options.intraOpThreads() == 1 ? "" : "s");
            batchingCheck(out, model, options, encoder);

            String prefix = kafka.topics().prefix();
            out.printf("%n[2/3] interactive lane on: idle, then during the import...%n");
            List<Phase> on = run(out, bootstrap, encoder, true, prefix + "-qbench-on", bulk, true);
            out.printf("%n[3/3] interactive lane off: during the same import...%n");
            List<Phase> off = run(out, bootstrap, encoder, false, prefix + "-qbench-off", bulk, false);

            List<Phase> all = new ArrayList<>(on);
            all.addAll(off);
            out.printf("%nquery-embedding round trip (client -> Kafka -> query server -> Kafka -> client), ms%n");
            out.printf("%-30s %7s %7s %7s %7s %6s %8s %12s%n", "phase", "P50", "P95", "P99", "max", "sent",
                    "timeouts", "bulk/s");
            for (Phase p : all) {
                out.printf(Locale.ROOT, "%-30s %7.1f %7.1f %7.1f %7.1f %6d %8d %12s%n", p.name(), ms(p.latency(), 50),
                        ms(p.latency(), 95), ms(p.latency(), 99), p.latency().getMaxValue() / 1e6, p.sent(),
                        p.timeouts() + p.errors(), p.bulkPerSecond() < 0 ? "-"
                                : String.format(Locale.ROOT, "%.1f contacts", p.bulkPerSecond()));
            }
            for (Phase p : all) {
                if (p.gate() != null && p.gate().bulkRuns() > 0) {
                    out.printf(Locale.ROOT, "gate during '%s': %,d bulk runs, %,d held back (%.1f s in all), %,d "
                            + "stopped and re-run, %,d started at the wait cap%n", p.name(), p.gate().bulkRuns(),
                            p.gate().bulkRunsDelayed(), p.gate().bulkWaitNanos() / 1e9, p.gate().preemptions(),
                            p.gate().bulkWaitsCapped());
                }
            }
        }
        return 0;
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
    }

    /** Same-length queries (a batch has no padding), int8 or not: ms per query both ways, and how far vectors move. */
    private static void batchingCheck(PrintStream out, ModelSpec model, BiEncoderOptions options, BiEncoder single) {
        List<String> sameLength = sameLengthQueries(single, 8);
        if (sameLength.size() < 8) {
            out.println("  (not enough same-length queries; skipped)");
            return;
        }
        try (BiEncoder batched = BiEncoder.load(model, options.withMaxBatchSize(8))) {
            int reps = 30;
            for (int i = 0; i < 5; i++) { // warm-up
                single.embedQueries(sameLength);
                batched.embedQueries(sameLength);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                single.embedQueries(sameLength);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                batched.embedQueries(sameLength);
            }
            long t2 = System.nanoTime();
            List<PassageEmbedding> a = single.embedQueries(sameLength);
            List<PassageEmbedding> b = batched.embedQueries(sameLength);
            double maxDiff = 0;
            for (int i = 0; i < a.size(); i++) {
                for (int d = 0; d < a.get(i).vector().length; d++) {
                    maxDiff = Math.max(maxDiff, Math.abs(a.get(i).vector()[d] - b.get(i).vector()[d]));
                }
            }
            int n = reps * sameLength.size();
            out.printf(Locale.ROOT, "  %d tokens each: one run per query %.2f ms/query, one batch of 8 %.2f ms/query; "
                    + "largest vector component difference %.2e (int8 graphs quantise per batch)%n",
                    a.get(0).tokens(), (t1 - t0) / 1e6 / n, (t2 - t1) / 1e6 / n, maxDiff);
        }
    }

    private static List<String> sameLengthQueries(BiEncoder encoder, int n) {
        String[] words = {"energy", "policy", "trade", "health", "water", "farm", "bank", "union", "market", "climate",
                "digital", "transport"};
        Map<Integer, List<String>> byLength = new java.util.TreeMap<>();
        for (int i = 0; i < words.length; i++) {
            for (int j = 0; j < words.length; j++) {
                if (i != j) {
                    String q = words[i] + " " + words[j] + " lobbying";
                    byLength.computeIfAbsent(encoder.countTokens(encoder.spec().queryPrefix() + q),
                            k -> new ArrayList<>()).add(q);
                }
            }
        }
        List<String> best = byLength.values().stream().max(java.util.Comparator.comparingInt(List::size))
                .orElse(List.of());
        return best.subList(0, Math.min(n, best.size()));
    }

    /** One pipeline (worker with the lane on or off, sink, Lucene) plus a query server sharing its gate. */
    private List<Phase> run(PrintStream out, String bootstrap, BiEncoder encoder, boolean lane, String prefix,
            List<ContactEvent> bulk, boolean idlePhase) throws Exception {
        Map<String, Object> props = kafka.clientProperties();
        ModelSpec model = encoder.spec();
        Path work = Files.createTempDirectory("kembed-qbench");
        List<Phase> phases = new ArrayList<>();
        QueryEmbedTopics topics = new QueryEmbedTopics(prefix);
        PipelineOptions options = new PipelineOptions(bootstrap, new TopicNames(prefix),
                new TopicAdmin.Layout(partitions, (short) 1), model, work.resolve("lucene"),
                PipelineOptions.defaultCollection(model), work.resolve("state"), props);
        try (LocalPipeline pipeline = LocalPipeline.start(options, encoder, lane);
                QueryEmbedServer server = QueryEmbedServer.start(QueryEmbedServer.Config.defaults(bootstrap, topics)
                        .withKafkaProperties(props), encoder, pipeline.worker().priorityGate(), pipeline.registry());
                QueryEmbedClient client = QueryEmbedClient.create(bootstrap, topics, "bench", props)) {
            client.embedBlocking(QUERIES.get(0), Duration.ofSeconds(60)); // the server has joined its group
            for (int i = 0; i < warmupQueries; i++) {
                client.embedBlocking(QUERIES.get(i % QUERIES.size()), Duration.ofSeconds(30));
            }
            if (idlePhase) {
                AtomicLong sent = new AtomicLong();
                phases.add(measure(client, "(a) idle", () -> sent.incrementAndGet() > idleQueries, -1, null));
                out.printf("  idle: %d queries measured%n", idleQueries);
            }
            // A tenant per phase: the worker's Streams application id (and so its changelogged per-entity state) is
            // the same in both phases, and would skip contacts it has already embedded as duplicates.
            String tenant = prefix;
            ChangePublisher publisher = pipeline.publisher();
            publisher.publishAll(bulk.stream().map(c -> ContactEvent.upsert(tenant, c.contactId(), 1, c.name(),
                    c.company(), c.title(), c.notes(), c.tags())).toList());
            if (!LocalPipeline.awaitCondition(() -> pipeline.store().count(tenant) > 0, Duration.ofMinutes(5))) {
                throw new IllegalStateException("no vector stored within 5 minutes");
            }
            long stored0 = pipeline.store().count(tenant);
            PriorityGate.Counters gate0 = pipeline.worker().priorityGate().counters();
            long t0 = System.nanoTime();
            Phase during = measure(client, lane ? "(b) bulk import, lane on" : "(c) bulk import, lane off",
                    () -> pipeline.store().count(tenant) >= bulk.size(), 0, null);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long stored = pipeline.store().count(tenant) - stored0;
            PriorityGate.Counters g1 = pipeline.worker().priorityGate().counters();
            PriorityGate.Counters gate = new PriorityGate.Counters(g1.interactivePermits() - gate0.interactivePermits(),
                    g1.bulkRuns() - gate0.bulkRuns(), g1.bulkRunsDelayed() - gate0.bulkRunsDelayed(),
                    g1.bulkWaitNanos() - gate0.bulkWaitNanos(), g1.bulkWaitsCapped() - gate0.bulkWaitsCapped(),
                    g1.preemptions() - gate0.preemptions());
            phases.add(new Phase(during.name(), during.latency(), during.sent(), during.timeouts(), during.errors(),
                    stored / seconds, lane ? gate : null));
            out.printf(Locale.ROOT, "  bulk: %,d contacts stored in %.1f s while %d queries were measured%n", stored,
                    seconds, during.sent());
            for (Phase p : phases) {
                out.printf(Locale.ROOT, "  %s: P50 %.1f ms, P95 %.1f ms, P99 %.1f ms%n", p.name(), ms(p.latency(), 50),
                        ms(p.latency(), 95), ms(p.latency(), 99));
            }
        } finally {
            DemoCommand.deleteRecursively(work);
        }
        return phases;
    }

    /**
     * Sends a query every {@code 1/qps} s until {@code stop} holds (checked before each send), records each round
     * trip, and waits for the outstanding replies.
     */
    private Phase measure(QueryEmbedClient client, String name, BooleanSupplier stop, double bulkPerSecond,
            PriorityGate.Counters gate) throws InterruptedException {
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
        List<CompletableFuture<?>> inFlight = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong sent = new AtomicLong();
        AtomicLong timeouts = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long periodNanos = (long) (1e9 / qps);
        Duration timeout = Duration.ofMillis(timeoutMs);
        ticker.scheduleAtFixedRate(() -> {
            if (done.getCount() == 0) {
                return;
            }
            if (stop.getAsBoolean()) {
                done.countDown();
                return;
            }
            String q = QUERIES.get((int) (sent.getAndIncrement() % QUERIES.size()));
            long start = System.nanoTime();
            inFlight.add(client.embed(q, timeout).handle((e, failure) -> {
                long nanos = System.nanoTime() - start;
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                if (cause instanceof QueryEmbedTimeoutException) {
                    timeouts.incrementAndGet();
                    nanos = timeout.toNanos();
                } else if (cause != null) {
                    errors.incrementAndGet();
                    return null;
                }
                synchronized (histogram) {
                    histogram.recordValue(Math.min(nanos, histogram.getHighestTrackableValue()));
                }
                return null;
            }));
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
        done.await();
        ticker.shutdownNow();
        ticker.awaitTermination(10, TimeUnit.SECONDS);
        List<CompletableFuture<?>> pending;
        synchronized (inFlight) {
            pending = new ArrayList<>(inFlight);
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        Histogram copy;
        synchronized (histogram) {
            copy = histogram.copy();
        }
        return new Phase(name, copy, pending.size(), timeouts.get(), errors.get(), bulkPerSecond, gate);
    }
}
