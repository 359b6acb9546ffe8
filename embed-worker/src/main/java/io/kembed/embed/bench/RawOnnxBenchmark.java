package io.kembed.embed.bench;

import io.kembed.core.model.ModelSpec;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.embed.batch.BatchPlanner;
import io.kembed.embed.model.ModelFiles;
import io.kembed.embed.onnx.EncodedText;
import io.kembed.embed.onnx.OnnxEncoder;
import io.kembed.embed.onnx.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Raw ONNX Runtime throughput of a bi-encoder on this machine, without Kafka: tokenise, plan batches, run the
 * session, pool and normalise, exactly as {@code BiEncoder.embedPassages} does, for several batch configurations.
 * The best configuration is the ceiling a Kafka pipeline with the same model can approach.
 *
 * <p>Method: every configuration first runs once untimed over up to {@value #WARMUP_TEXTS} texts (session
 * creation, memory arenas, code paths); then configurations take turns, one timed pass over all texts each per
 * round, so that background load on the machine hits them alike; each configuration's fastest pass counts. The
 * standard set ({@link #standardConfigs}) spans batching (input order versus length-sorted, 1 to 32 texts per
 * batch under a token budget) and threading (one caller with all cores as intra-op threads, versus one caller per
 * core with one intra-op thread each, sharing a session). On a 2-core AVX-512 machine, int8
 * bge-small-en-v1.5 ran fastest as 2 callers of unpadded single texts; fp32 as one caller with batches of 4-8.
 */
public final class RawOnnxBenchmark {

    /** Texts in the untimed warm-up run of each configuration. */
    public static final int WARMUP_TEXTS = 64;
    /** Timed passes per configuration when not given. */
    public static final int DEFAULT_PASSES = 2;
    /** Batch sizes of the length-sorted standard configurations. */
    public static final List<Integer> SORTED_BATCH_SIZES = List.of(1, 4, 8, 16, 32);
    /** Batch size of the input-order baseline. */
    public static final int UNSORTED_BATCH_SIZE = 32;

    private RawOnnxBenchmark() {
    }

    /**
     * One way to run the model.
     *
     * @param name short label, for example {@code sorted-16}
     * @param lengthSorted true for {@link BatchPlanner#plan}, false for {@link BatchPlanner#inOrder}
     * @param maxBatchSize most texts per batch
     * @param maxBatchTokens most padded tokens per batch (length-sorted only)
     * @param intraOpThreads ONNX Runtime intra-op threads
     * @param callers threads submitting batches concurrently to one session
     */
    public record Config(String name, boolean lengthSorted, int maxBatchSize, int maxBatchTokens, int intraOpThreads,
            int callers) {

        public Config {
            Objects.requireNonNull(name, "name");
            if (maxBatchSize < 1 || maxBatchTokens < 1 || intraOpThreads < 1 || callers < 1) {
                throw new IllegalArgumentException("bad benchmark config " + name);
            }
        }

        /** @return this configuration with {@code callers} callers of one intra-op thread each */
        public Config dataParallel(int callers) {
            return new Config(name + " x" + callers + "callers", lengthSorted, maxBatchSize, maxBatchTokens, 1,
                    callers);
        }
    }

    /**
     * Throughput of one configuration.
     *
     * @param config the configuration
     * @param texts texts per pass
     * @param tokens real tokens per pass (prefix and special tokens included, after truncation)
     * @param paddedTokens tokens computed per pass, padding included
     * @param batches session runs per pass
     * @param bestNanos the fastest timed pass, in nanoseconds
     * @param passes timed passes
     */
    public record Measurement(Config config, int texts, long tokens, long paddedTokens, int batches, long bestNanos,
            int passes) {

        /** @return texts per second in the fastest pass */
        public double textsPerSecond() {
            return texts * 1e9 / bestNanos;
        }

        /** @return real (unpadded) tokens per second in the fastest pass */
        public double tokensPerSecond() {
            return tokens * 1e9 / bestNanos;
        }

        /** @return padded tokens over real tokens minus one, e.g. 0.25 for 25% wasted on padding */
        public double paddingOverhead() {
            return tokens == 0 ? 0 : (double) paddedTokens / tokens - 1;
        }
    }

    /**
     * A benchmark's outcome.
     *
     * @param modelId the model
     * @param texts texts per pass
     * @param tokens real tokens per pass
     * @param truncatedTexts texts cut at the model's limit
     * @param processors available processors
     * @param measurements one per configuration, in the order measured
     */
    public record Result(String modelId, int texts, long tokens, int truncatedTexts, int processors,
            List<Measurement> measurements) {

        public Result {
            measurements = List.copyOf(measurements);
            if (measurements.isEmpty()) {
                throw new IllegalArgumentException("no measurements");
            }
        }

        /** @return the configuration with the most texts per second */
        public Measurement best() {
            return measurements.stream().max(Comparator.comparingDouble(Measurement::textsPerSecond)).orElseThrow();
        }

        /** @return a plain-text table, one configuration per line, the best marked with {@code *} */
        public String format() {
            Measurement best = best();
            StringBuilder out = new StringBuilder();
            out.append(String.format("Raw ONNX Runtime throughput: %s, %d texts, %d tokens (%.0f per text), "
                    + "%d truncated, %d processors%n", modelId, texts, tokens, (double) tokens / Math.max(1, texts),
                    truncatedTexts, processors));
            out.append(String.format("  %-30s %7s %8s %8s %10s %11s%n", "configuration", "threads", "batches",
                    "padding", "texts/s", "tokens/s"));
            for (Measurement m : measurements) {
                out.append(String.format("%s %-30s %7s %8d %7.1f%% %10.1f %11.0f%n", m == best ? "*" : " ",
                        m.config().name(), m.config().intraOpThreads() + "x" + m.config().callers(), m.batches(),
                        100 * m.paddingOverhead(), m.textsPerSecond(), m.tokensPerSecond()));
            }
            out.append(String.format("best: %s, %.1f texts/s, %.0f tokens/s%n", best.config().name(),
                    best.textsPerSecond(), best.tokensPerSecond()));
            return out.toString();
        }
    }

    /**
     * The standard configurations: input order in batches of {@value #UNSORTED_BATCH_SIZE}, then length-sorted
     * batches of each of {@link #SORTED_BATCH_SIZES} under {@code options.maxBatchTokens()}, all as one caller with
     * {@code options.intraOpThreads()} threads; then, if {@code processors > 1}, the length-sorted ones again as
     * {@code processors} concurrent callers of one intra-op thread each.
     *
     * @param options intra-op threads and token budget
     * @param processors cores to spread data-parallel callers over
     * @return configurations in the order they are measured
     */
    public static List<Config> standardConfigs(BiEncoderOptions options, int processors) {
        List<Config> configs = new ArrayList<>();
        configs.add(new Config("unsorted-" + UNSORTED_BATCH_SIZE, false, UNSORTED_BATCH_SIZE, Integer.MAX_VALUE,
                options.intraOpThreads(), 1));
        List<Config> sorted = new ArrayList<>();
        for (int size : SORTED_BATCH_SIZES) {
            sorted.add(new Config("sorted-" + size + " <=" + options.maxBatchTokens() + "tok", true, size,
                    options.maxBatchTokens(), options.intraOpThreads(), 1));
        }
        configs.addAll(sorted);
        if (processors > 1) {
            sorted.forEach(c -> configs.add(c.dataParallel(processors)));
        }
        return configs;
    }

    /**
     * Runs the {@linkplain #standardConfigs standard configurations} for this machine's processors with
     * {@value #DEFAULT_PASSES} timed passes each. Takes about {@code 11 × (passes + 0.2) × texts / throughput}:
     * some 4 minutes for 300 texts of bge-small-en-v1.5-q (~30 texts/s) on 2 cores.
     *
     * @param spec the model (pooling, prefix, token limit)
     * @param files its files, see {@code ModelLoader.resolve}
     * @param options intra-op threads and token budget
     * @param texts passages, at least one; the spec's passage prefix is prepended
     * @return the measurements and the best configuration
     * @throws InterruptedException if interrupted while parallel callers run
     * @throws io.kembed.embed.model.ModelLoadException if the files cannot be loaded
     * @throws io.kembed.embed.EmbeddingException if ONNX Runtime fails
     */
    public static Result run(ModelSpec spec, ModelFiles files, BiEncoderOptions options, List<String> texts)
            throws InterruptedException {
        int processors = Runtime.getRuntime().availableProcessors();
        return run(spec, files, texts, standardConfigs(options, processors), DEFAULT_PASSES);
    }

    /**
     * Runs the given configurations.
     *
     * @param spec the model (pooling, prefix, token limit)
     * @param files its files
     * @param texts passages, at least one; the spec's passage prefix is prepended
     * @param configs configurations to measure, in this order within each round, at least one
     * @param passes timed passes per configuration, {@code >= 1}
     * @return the measurements and the best configuration
     * @throws InterruptedException if interrupted while parallel callers run
     * @throws io.kembed.embed.model.ModelLoadException if the files cannot be loaded
     * @throws io.kembed.embed.EmbeddingException if ONNX Runtime fails
     */
    public static Result run(ModelSpec spec, ModelFiles files, List<String> texts, List<Config> configs, int passes)
            throws InterruptedException {
        try (Runner runner = new Runner(spec, files, texts)) {
            return runner.result(runner.measure(configs, passes), Runtime.getRuntime().availableProcessors());
        }
    }

    /** Holds the tokenizer and one session per intra-op thread count for the length of a benchmark. */
    private static final class Runner implements AutoCloseable {

        private final ModelSpec spec;
        private final ModelFiles files;
        private final List<String> inputs;
        private final TextTokenizer tokenizer;
        private final Map<Integer, OnnxEncoder> encoders = new HashMap<>();
        private final int[] lengths;
        private final int truncated;
        private long checksum; // consumes results so that no pass can be optimised away

        Runner(ModelSpec spec, ModelFiles files, List<String> texts) {
            if (texts.isEmpty()) {
                throw new IllegalArgumentException("no texts to benchmark");
            }
            this.spec = spec;
            this.files = files;
            this.inputs = texts.stream().map(t -> spec.passagePrefix() + t).toList();
            this.tokenizer = TextTokenizer.open(files.tokenizerJson(), spec.maxTokens());
            List<EncodedText> encoded = tokenizer.encode(inputs);
            this.lengths = encoded.stream().mapToInt(EncodedText::length).toArray();
            this.truncated = (int) encoded.stream().filter(EncodedText::truncated).count();
        }

        List<Measurement> measure(List<Config> configs, int passes) throws InterruptedException {
            if (passes < 1) {
                throw new IllegalArgumentException("passes must be >= 1, got " + passes);
            }
            if (configs.isEmpty()) {
                throw new IllegalArgumentException("no configurations to measure");
            }
            List<String> warmup = inputs.subList(0, Math.min(WARMUP_TEXTS, inputs.size()));
            for (Config config : configs) {
                pass(config, warmup);
            }
            long[] best = new long[configs.size()];
            Arrays.fill(best, Long.MAX_VALUE);
            for (int round = 0; round < passes; round++) {
                for (int c = 0; c < configs.size(); c++) {
                    best[c] = Math.min(best[c], pass(configs.get(c), inputs));
                }
            }
            List<Measurement> out = new ArrayList<>();
            long tokens = Arrays.stream(lengths).asLongStream().sum();
            for (int c = 0; c < configs.size(); c++) {
                List<int[]> plan = plan(configs.get(c), lengths);
                out.add(new Measurement(configs.get(c), inputs.size(), tokens,
                        BatchPlanner.paddedTokens(lengths, plan), plan.size(), best[c], passes));
            }
            return out;
        }

        Result result(List<Measurement> measurements, int processors) {
            return new Result(spec.id(), inputs.size(), Arrays.stream(lengths).asLongStream().sum(),
                    truncated, processors, measurements);
        }

        /** @return wall-clock nanoseconds to tokenise, plan, run, pool and normalise {@code texts} */
        private long pass(Config config, List<String> texts) throws InterruptedException {
            OnnxEncoder encoder = encoder(config.intraOpThreads());
            long started = System.nanoTime();
            List<EncodedText> encoded = tokenizer.encode(texts);
            int[] lens = encoded.stream().mapToInt(EncodedText::length).toArray();
            List<int[]> plan = plan(config, lens);
            if (config.callers() == 1) {
                for (int[] batch : plan) {
                    consume(encoder.encode(select(encoded, batch), spec.pooling()));
                }
            } else {
                runConcurrently(config.callers(), encoder, encoded, plan);
            }
            return System.nanoTime() - started;
        }

        private void runConcurrently(int callers, OnnxEncoder encoder, List<EncodedText> encoded, List<int[]> plan)
                throws InterruptedException {
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            try {
                List<Future<Long>> futures = new ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    futures.add(pool.submit(() -> {
                        long sum = 0;
                        for (int b; (b = next.getAndIncrement()) < plan.size(); ) {
                            float[][] vectors = encoder.encode(select(encoded, plan.get(b)), spec.pooling());
                            sum += Float.floatToIntBits(vectors[0][0]);
                        }
                        return sum;
                    }));
                }
                for (Future<Long> f : futures) {
                    checksum += f.get();
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException("benchmark batch failed: " + e.getCause(), e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }

        private static List<int[]> plan(Config config, int[] lens) {
            return config.lengthSorted()
                    ? BatchPlanner.plan(lens, config.maxBatchSize(), config.maxBatchTokens())
                    : BatchPlanner.inOrder(lens.length, config.maxBatchSize());
        }

        private static List<EncodedText> select(List<EncodedText> encoded, int[] batch) {
            List<EncodedText> out = new ArrayList<>(batch.length);
            for (int i : batch) {
                out.add(encoded.get(i));
            }
            return out;
        }

        private void consume(float[][] vectors) {
            checksum += Float.floatToIntBits(vectors[0][0]);
        }

        private OnnxEncoder encoder(int threads) {
            return encoders.computeIfAbsent(threads, t -> OnnxEncoder.open(files.onnx(), t));
        }

        @Override
        public void close() {
            try {
                encoders.values().forEach(OnnxEncoder::close);
            } finally {
                tokenizer.close();
            }
        }
    }
}
