package io.kembed.embed;

import io.kembed.core.model.ModelSpec;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How a {@link BiEncoder} runs. Defaults ({@link #defaults()}, or {@link #defaultsFor(ModelSpec)} to tune them to
 * a model) suit a 2-core laptop:
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>Option</th><th>Default</th><th>Bounds</th><th>Meaning</th></tr>
 *   <tr><td>{@code intraOpThreads}</td><td>available processors</td><td>1..{@value #MAX_THREADS}</td>
 *       <td>threads ONNX Runtime uses inside one operator of one batch</td></tr>
 *   <tr><td>{@code maxBatchSize}</td><td>{@value #DEFAULT_MAX_BATCH_SIZE}</td>
 *       <td>1..{@value #MAX_BATCH_SIZE}</td><td>most texts per inference batch</td></tr>
 *   <tr><td>{@code maxBatchTokens}</td><td>{@value #DEFAULT_MAX_BATCH_TOKENS}</td><td>&ge; 1</td>
 *       <td>most padded tokens per batch ({@code texts × longest sequence}); bounds the activation memory of one
 *       run. A single text longer than this still runs, alone</td></tr>
 *   <tr><td>{@code cacheDir}</td><td>{@code $KEMBED_CACHE_DIR}, else {@code ~/.cache/kembed/models}</td>
 *       <td>non-null</td><td>where model files are extracted or downloaded</td></tr>
 * </table>
 *
 * @param intraOpThreads ONNX Runtime intra-op threads
 * @param maxBatchSize most texts per batch
 * @param maxBatchTokens most padded tokens per batch
 * @param cacheDir model cache root
 */
public record BiEncoderOptions(int intraOpThreads, int maxBatchSize, int maxBatchTokens, Path cacheDir) {

    /** Upper bound on {@code intraOpThreads}; a guard against typos, far above any CPU we target. */
    public static final int MAX_THREADS = 256;
    /** Upper bound on {@code maxBatchSize}. */
    public static final int MAX_BATCH_SIZE = 4096;
    /**
     * Default texts per batch. On a 2-core AVX-512 machine, length-sorted batches of 4-8 were fastest for
     * bge-small-en-v1.5 (int8 and fp32) on 100-300 real texts of ~180 tokens, 5-35% ahead of 16-32 (measured with
     * {@code RawOnnxBenchmark}); on CPU a larger batch adds latency and padding but little parallelism.
     */
    public static final int DEFAULT_MAX_BATCH_SIZE = 8;
    /**
     * Default padded tokens per batch: 8 sequences of 512 tokens, so a full batch of the longest texts still fits.
     * Bounds one run's activations (12 layers, 384 dims, 12 heads) to a few tens of MB.
     */
    public static final int DEFAULT_MAX_BATCH_TOKENS = 4096;
    /** Environment variable that overrides the default cache directory. */
    public static final String CACHE_DIR_ENV = "KEMBED_CACHE_DIR";

    public BiEncoderOptions {
        if (intraOpThreads < 1 || intraOpThreads > MAX_THREADS) {
            throw new IllegalArgumentException(
                    "intraOpThreads must be in [1, " + MAX_THREADS + "], got " + intraOpThreads);
        }
        if (maxBatchSize < 1 || maxBatchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException(
                    "maxBatchSize must be in [1, " + MAX_BATCH_SIZE + "], got " + maxBatchSize);
        }
        if (maxBatchTokens < 1) {
            throw new IllegalArgumentException("maxBatchTokens must be >= 1, got " + maxBatchTokens);
        }
        Objects.requireNonNull(cacheDir, "cacheDir");
    }

    /** @return the defaults in the table above */
    public static BiEncoderOptions defaults() {
        return new BiEncoderOptions(Runtime.getRuntime().availableProcessors(), DEFAULT_MAX_BATCH_SIZE,
                DEFAULT_MAX_BATCH_TOKENS, defaultCacheDir());
    }

    /**
     * The defaults, tuned to a model: for an int8 model ({@link ModelSpec#quantized()}) batches of one text. Its
     * graph quantises activations per batch tensor at run time, so batch-mates and padding shift a text's vector
     * (cosine down to about 0.98 against the text alone); unbatched, vectors are reproducible, and on 2 cores
     * unbatched int8 inference was as fast as batches of 8 (within 4%, {@code RawOnnxBenchmark}). fp32 models get
     * {@link #defaults()}.
     *
     * @param spec the model to be run
     * @return {@link #defaults()}, with {@code maxBatchSize} 1 for an int8 model
     */
    public static BiEncoderOptions defaultsFor(ModelSpec spec) {
        BiEncoderOptions defaults = defaults();
        return spec.quantized() ? defaults.withMaxBatchSize(1) : defaults;
    }

    /**
     * Options for an encoder shared by the embed worker's stream threads: {@link #defaultsFor(ModelSpec)} with one
     * intra-op thread, because the worker runs one stream thread per core and each calls the encoder. On 2 cores,
     * two callers of one thread each embedded bge-small-en-v1.5-q about 10-20% faster than one caller of two
     * threads ({@code kembed bench embed} prints both).
     *
     * @param spec the model to be run
     * @return {@link #defaultsFor(ModelSpec)} with {@code intraOpThreads} 1
     */
    public static BiEncoderOptions forWorker(ModelSpec spec) {
        return defaultsFor(spec).withIntraOpThreads(1);
    }

    /** @return {@code $KEMBED_CACHE_DIR} if set, else {@code ~/.cache/kembed/models} */
    public static Path defaultCacheDir() {
        String env = System.getenv(CACHE_DIR_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "kembed", "models");
    }

    public BiEncoderOptions withIntraOpThreads(int threads) {
        return new BiEncoderOptions(threads, maxBatchSize, maxBatchTokens, cacheDir);
    }

    public BiEncoderOptions withMaxBatchSize(int size) {
        return new BiEncoderOptions(intraOpThreads, size, maxBatchTokens, cacheDir);
    }

    public BiEncoderOptions withMaxBatchTokens(int tokens) {
        return new BiEncoderOptions(intraOpThreads, maxBatchSize, tokens, cacheDir);
    }

    public BiEncoderOptions withCacheDir(Path dir) {
        return new BiEncoderOptions(intraOpThreads, maxBatchSize, maxBatchTokens, dir);
    }
}
