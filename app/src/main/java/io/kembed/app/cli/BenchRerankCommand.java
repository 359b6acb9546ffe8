package io.kembed.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.rerank.CrossEncoder;
import io.kembed.rerank.CrossEncoderOptions;
import io.kembed.rerank.CrossEncoderSpec;
import io.kembed.rerank.CrossEncoderSpec.Family;
import io.kembed.rerank.RerankOutcome;
import io.kembed.rerank.RerankResult;
import io.kembed.rerank.Reranker;
import io.kembed.rerank.onnx.PairTokenizer;
import io.kembed.rerank.onnx.RawCrossEncoderRun;
import io.kembed.rerank.plan.EncodedPair;
import io.kembed.rerank.plan.PairTruncation;
import io.kembed.rerank.requestreply.RerankClient;
import io.kembed.rerank.requestreply.RerankReply;
import io.kembed.rerank.requestreply.RerankTopics;
import io.kembed.rerank.requestreply.RerankWorker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code kembed bench rerank}: cross-encoder latency for one request of {@code --passages} candidates at several
 * exact pair lengths, measured three ways on the same pairs: (a) raw ONNX Runtime on the already tokenised batch
 * (the limit), (b) in-process {@link CrossEncoder} scoring (tokenise, cap, plan, run, rank), (c) through Kafka
 * request/reply (embedded KRaft broker, a {@link RerankWorker}, a {@link RerankClient}), and (d) the same Kafka
 * round trip to a worker that does not score, the hop alone. For (c) it also records, per request, the round trip
 * less the worker's own handler time ({@code kembed.rerank.latency}): what Kafka added to that request, which the
 * difference of two P50s of 100+ ms compute cannot resolve to a few ms. Percentiles come from HdrHistogram; every
 * mode is warmed up first (the hop path with {@code --hop-warmup} extra calls), and the timed calls of the modes are
 * interleaved.
 */
@Command(name = "rerank", mixinStandardHelpOptions = true,
        description = "Cross-encoder latency per request: raw ONNX Runtime vs in-process CrossEncoder vs Kafka "
                + "request/reply, at several exact pair lengths.")
final class BenchRerankCommand implements Callable<Integer> {

    static final String FIXTURE_SCRIPT = "rerank-worker/scripts/make_cross_encoder_fixtures.py";
    private static final String CORPUS = "data/beir/nobel-prizes/corpus.jsonl";
    private static final String QUERIES = "data/beir/nobel-prizes/queries.jsonl";
    /** Characters of passage text per candidate: far more than 128 tokens, so every pair is cut to the length. */
    private static final int PASSAGE_CHARS = 2_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--model-dir", paramLabel = "DIR",
            description = "Cross-encoder directory with model.onnx and tokenizer.json (BERT family). Build the "
                    + "full-size random-weight MiniLM-L6 with: /usr/bin/python3 " + FIXTURE_SCRIPT
                    + " --full-size /tmp/minilm-l6-random")
    Path modelDir;

    @Option(names = "--lengths", split = ",", defaultValue = "32,64,128",
            description = "Tokens per query/passage pair, special tokens included (default: ${DEFAULT-VALUE}).")
    List<Integer> lengths;

    @Option(names = "--passages", defaultValue = "20", description = "Candidates per request (default: ${DEFAULT-VALUE}).")
    int passages;

    @Option(names = "--iterations", defaultValue = "60",
            description = "Timed requests per mode and length (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup", defaultValue = "10",
            description = "Untimed requests per mode and length first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--hop-warmup", defaultValue = "2000",
            description = "Untimed request/reply round trips without scoring first, per length, so the JIT has "
                    + "compiled the Kafka client, broker and codec paths (cheap: no model, about 3 ms each). With "
                    + "300 the hop alone still measured 3.5-6 ms and fell with every length run; with 2,000 it is "
                    + "2-3 ms at every length (default: ${DEFAULT-VALUE}).")
    int hopWarmup;

    @Option(names = "--warmup-pass", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run every length once untimed (warm-up and hop warm-up included) before the timed "
                    + "passes, so that no length pays the JVM's and the broker's warm-up (default: on).")
    boolean warmupPass;

    @Option(names = "--threads", defaultValue = "0",
            description = "ONNX Runtime intra-op threads (default: every core).")
    int threads;

    /** One mode's latencies for one length, ms. */
    record Row(String mode, double p50, double p95, double p99, long count) {

        static Row of(String mode, Histogram h) {
            return new Row(mode, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(95) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, h.getTotalCount());
        }
    }

    @Override
    public Integer call() throws Exception {
        if (modelDir == null) {
            throw new ParameterException(spec.commandLine(), "--model-dir DIR is required: no cross-encoder weights "
                    + "can be downloaded here. Build the full-size random-weight MiniLM-L6 model (for latency only) "
                    + "with\n  /usr/bin/python3 " + FIXTURE_SCRIPT + " --full-size /tmp/minilm-l6-random\nthen run "
                    + "kembed bench rerank --model-dir /tmp/minilm-l6-random");
        }
        if (!Files.isRegularFile(modelDir.resolve("model.onnx"))
                || !Files.isRegularFile(modelDir.resolve("tokenizer.json"))) {
            throw new ParameterException(spec.commandLine(), modelDir + " lacks model.onnx or tokenizer.json; build "
                    + "one with /usr/bin/python3 " + FIXTURE_SCRIPT + " --full-size " + modelDir);
        }
        if (passages < 1 || iterations < 1 || warmup < 0 || hopWarmup < 0
                || lengths.stream().anyMatch(n -> n < 8 || n > 512)) {
            throw new ParameterException(spec.commandLine(),
                    "need --passages >= 1, --iterations >= 1, --warmup >= 0 and lengths in [8, 512]");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int intraOp = threads > 0 ? threads : cores;
        PrintStream out = System.out;
        String query = firstQuery();
        List<String> texts = passageTexts(passages);
        out.printf(Locale.ROOT, "bench rerank: %s, %d passages a request, %d cores, %d intra-op threads, %d warm-up "
                + "+ %d timed requests per mode and length, modes interleaved%s; load average %.2f%n", modelDir,
                passages, cores, intraOp, warmup, iterations, warmupPass ? ", after an untimed pass over every length"
                        : "", loadAverage());

        List<String> summary = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            if (warmupPass) {
                // The first length measured in a fresh JVM and broker used to pay their warm-up (JIT compiling on
                // the cores the model needs, cold broker paths): whichever length came first was the slowest, in
                // any order. An untimed pass over every length first leaves every length the same steady state.
                long t0 = System.nanoTime();
                for (int length : lengths) {
                    runLength(kafka, length, query, texts, intraOp, false, out);
                }
                out.printf(Locale.ROOT, "untimed warm-up pass over every length: %.0f s%n",
                        (System.nanoTime() - t0) / 1e9);
            }
            for (int length : lengths) {
                summary.add(runLength(kafka, length, query, texts, intraOp, true, out));
            }
        }
        out.printf(Locale.ROOT, "%ngoal ratios (P50; load average now %.2f, other processes share the cores):%n",
                loadAverage());
        summary.forEach(out::println);
        return 0;
    }

    /**
     * Serves one length in every mode: raw ONNX Runtime, in-process, through Kafka, and the hop alone.
     *
     * @param timed false for the warm-up pass: the same work, nothing measured or printed
     * @return the goal line of the length, or null when not timed
     */
    private String runLength(EmbeddedKafka kafka, int length, String query, List<String> texts, int intraOp,
            boolean timed, PrintStream out) throws Exception {
        if (timed) {
            out.printf("%n%d tokens a pair (%d pairs of query + passage, cut to exactly %d tokens)%n", length,
                    passages, length);
        }
        List<EncodedPair> batch = exactPairs(query, texts, length);
        CrossEncoderOptions options = CrossEncoderOptions.defaults().withMaxPairTokens(length)
                .withIntraOpThreads(intraOp).withMaxBatchPairs(Math.max(passages,
                        CrossEncoderOptions.DEFAULT_MAX_BATCH_PAIRS));
        String pass = timed ? "" : "warm-";
        RerankTopics topics = new RerankTopics("bench-rerank-" + pass + length);
        RerankTopics hopTopics = new RerankTopics("bench-hop-" + pass + length);
        // The worker's own handler time per request (kembed.rerank.latency: batch in hand to reply built).
        // Requests go one at a time, so the timer's growth over one call is that call's handler time, and
        // round trip minus it is exactly what Kafka added to that request (produce, fetch, poll, codec).
        SimpleMeterRegistry workerMeters = new SimpleMeterRegistry();
        Histogram added = new Histogram(3_600_000_000L, 3);
        try (RawCrossEncoderRun raw = RawCrossEncoderRun.open(modelDir.resolve("model.onnx"), intraOp,
                        Family.BERT.padId(), batch);
                CrossEncoder encoder = CrossEncoder.load(
                        CrossEncoderSpec.local("bench", Family.BERT, 512, modelDir), options);
                RerankWorker worker = RerankWorker.start(
                        RerankWorker.Config.defaults(kafka.bootstrapServers(), topics), encoder,
                        workerMeters);
                RerankClient client = RerankClient.create(kafka.bootstrapServers(), topics,
                        "bench-" + pass + length, Map.of());
                RerankWorker hopWorker = RerankWorker.start(
                        RerankWorker.Config.defaults(kafka.bootstrapServers(), hopTopics), new NoOpReranker());
                RerankClient hopClient = RerankClient.create(kafka.bootstrapServers(), hopTopics,
                        "bench-hop-" + pass + length, Map.of())) {
            // the first request waits for the worker to join its group
            client.request(query, texts, passages, Duration.ofSeconds(60)).join();
            hopClient.request(query, texts, passages, Duration.ofSeconds(60)).join();
            // The scoring modes warm the JIT at their own pace (each call is 100+ ms of ONNX); the Kafka
            // path's code (clients, headers, JSON codec) needs hundreds of calls to be compiled, which the
            // first length's ten warm-up requests do not give it.
            for (int i = 0; i < hopWarmup; i++) {
                hopClient.request(query, texts, passages, Duration.ofSeconds(30)).join();
            }
            List<Supplier<?>> modes = List.of(
                    raw::run,
                    () -> {
                        RerankOutcome o = encoder.rerankWithin(query, texts, passages, 60_000);
                        requireComplete(o.partial(), o.truncatedPairs());
                        return o;
                    },
                    () -> {
                        double handlerBefore = handlerNanos(workerMeters);
                        long t0 = System.nanoTime();
                        RerankReply r = client.request(query, texts, passages, Duration.ofSeconds(30)).join();
                        long roundTrip = System.nanoTime() - t0;
                        double handler = handlerNanos(workerMeters) - handlerBefore;
                        added.recordValue(Math.max(1, (long) ((roundTrip - handler) / 1_000)));
                        requireComplete(r.partial(), passages);
                        return r;
                    },
                    () -> hopClient.request(query, texts, passages, Duration.ofSeconds(30)).join());
            List<Histogram> h = measure(modes, added::reset, timed ? iterations : 0);
            if (!timed) {
                return null;
            }
            Row rawRow = Row.of("raw ONNX Runtime", h.get(0));
            Row inProcess = Row.of("CrossEncoder", h.get(1));
            Row viaKafka = Row.of("Kafka request/reply", h.get(2));
            Row hop = Row.of("Kafka hop, no model", h.get(3));
            Row addedRow = Row.of("Kafka adds (RTT-handler)", added);
            List.of(rawRow, inProcess, viaKafka, hop, addedRow).forEach(row -> print(out, row));
            return String.format(Locale.ROOT, "%4d tokens: in-process P50 / raw P50 = %.3f "
                    + "(goal <= 1.1); Kafka adds P50 %.1f ms per request (round trip - worker handler time; "
                    + "goal <= 5 ms); Kafka P50 - in-process P50 = %.1f ms; hop alone P50 %.1f ms", length,
                    inProcess.p50() / rawRow.p50(), addedRow.p50(), viaKafka.p50() - inProcess.p50(),
                    hop.p50());
        }
    }

    /**
     * Answers in vector order without scoring, so a worker serving it measures the Kafka request/reply hop alone
     * (same request and reply sizes, no inference). Bench only.
     */
    private static final class NoOpReranker implements Reranker {
        @Override
        public String id() {
            return "no-op";
        }

        @Override
        public Kind kind() {
            return Kind.BI_ENCODER_FALLBACK;
        }

        @Override
        public List<RerankResult> rerank(String query, List<String> candidates, int topN) {
            List<RerankResult> out = new ArrayList<>();
            for (int i = 0; i < Math.min(topN, candidates.size()); i++) {
                out.add(new RerankResult(i, 0f));
            }
            return out;
        }

        @Override
        public void close() {
        }
    }

    /** Every pair must be scored (nothing partial) and cut to the length (all truncated), or the bench is wrong. */
    private void requireComplete(boolean partial, int truncated) {
        if (partial || truncated != passages) {
            throw new IllegalStateException("bench request was partial (" + partial + ") or not cut to the length ("
                    + truncated + " of " + passages + " truncated)");
        }
    }

    /**
     * Warm-up, then {@link #iterations} rounds of one call of each mode, interleaved (the order rotating each round)
     * so that load from other processes on a shared machine falls on every mode alike; µs in the histograms.
     */
    private List<Histogram> measure(List<Supplier<?>> modes, Runnable afterWarmup, int iterations) {
        for (int i = 0; i < warmup; i++) {
            modes.forEach(Supplier::get);
        }
        afterWarmup.run();
        List<Histogram> histograms = new ArrayList<>();
        for (int m = 0; m < modes.size(); m++) {
            histograms.add(new Histogram(3_600_000_000L, 3)); // up to an hour in µs, 3 significant digits
        }
        for (int i = 0; i < iterations; i++) {
            for (int k = 0; k < modes.size(); k++) {
                int m = (i + k) % modes.size();
                long t0 = System.nanoTime();
                modes.get(m).get();
                histograms.get(m).recordValue(Math.max(1, (System.nanoTime() - t0) / 1_000));
            }
        }
        return histograms;
    }

    /** Total time the worker's handler has spent on replies so far ({@code kembed.rerank.latency}), ns. */
    private static double handlerNanos(SimpleMeterRegistry registry) {
        io.micrometer.core.instrument.Timer timer = registry.find(RerankWorker.LATENCY).timer();
        return timer == null ? 0 : timer.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** @return the system load average over the last minute (runnable processes), or -1 where unknown */
    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void print(PrintStream out, Row row) {
        out.printf(Locale.ROOT, "  %-20s P50 %8.1f ms   P95 %8.1f ms   P99 %8.1f ms   (%d requests)%n", row.mode(),
                row.p50(), row.p95(), row.p99(), row.count());
    }

    /** The pairs of the request, tokenised and cut to exactly {@code length} tokens, as the CrossEncoder cuts them. */
    private List<EncodedPair> exactPairs(String query, List<String> texts, int length) {
        List<EncodedPair> pairs = new ArrayList<>(texts.size());
        try (PairTokenizer tokenizer = PairTokenizer.open(modelDir.resolve("tokenizer.json"))) {
            for (EncodedPair pair : tokenizer.encodePairs(query, texts)) {
                EncodedPair cut = PairTruncation.truncate(pair, length);
                if (cut.length() != length) {
                    throw new IllegalStateException("a pair has only " + pair.length() + " tokens, fewer than "
                            + length);
                }
                pairs.add(cut);
            }
        }
        return pairs;
    }

    /** The first query of the Nobel BEIR set (a prize motivation). */
    private static String firstQuery() throws IOException {
        try (BufferedReader in = Files.newBufferedReader(DataFiles.find(QUERIES), StandardCharsets.UTF_8)) {
            return new ObjectMapper().readTree(in.readLine()).get("text").asText();
        }
    }

    /** {@code count} passages of real text: consecutive Nobel laureate records joined to {@value #PASSAGE_CHARS} chars. */
    static List<String> passageTexts(int count) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<String> records = new ArrayList<>();
        for (String line : Files.readAllLines(DataFiles.find(CORPUS), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                JsonNode doc = mapper.readTree(line);
                records.add(doc.get("title").asText() + ". " + doc.get("text").asText());
            }
        }
        List<String> out = new ArrayList<>(count);
        int next = 0;
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            while (text.length() < PASSAGE_CHARS) {
                text.append(records.get(next++ % records.size())).append(' ');
            }
            out.add(text.substring(0, PASSAGE_CHARS));
        }
        return out;
    }
}
