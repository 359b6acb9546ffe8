package io.kembed.rerank;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a {@link CrossEncoder} runs. Defaults in {@link #defaults()}.
 *
 * @param maxPairTokens longest query/passage pair fed to the model, special tokens included (default
 *     {@value #DEFAULT_MAX_PAIR_TOKENS}); longer pairs lose passage tokens first, counted in
 *     {@link RerankOutcome#truncatedPairs()}. Capped by the model's positions at load time.
 * @param maxBatchPairs most pairs in one ONNX Runtime call (default {@value #DEFAULT_MAX_BATCH_PAIRS})
 * @param intraOpThreads ONNX Runtime threads inside one operator (default 1: one per caller)
 * @param sigmoid true to report {@code sigmoid(logit)} in [0, 1] instead of the raw logit (default false); the order
 *     is the same either way
 * @param initialNanosPerToken cost guess for the deadline plan before the first batch is measured (default
 *     {@value #DEFAULT_INITIAL_NANOS_PER_TOKEN} ns per padded token: the full-size MiniLM-L6 architecture in fp32
 *     measured 320-370 µs per token with one intra-op thread on this project's shared 2-core machine; issue 3 quotes
 *     ~112 µs on both cores, 20 pairs of 128 tokens in ~288 ms). Erring high scores fewer candidates on the first
 *     request rather than missing its deadline; the average follows measurements from the first batch on.
 * @param cacheDir where downloaded weights go (default {@code ~/.cache/kembed/models})
 */
public record CrossEncoderOptions(int maxPairTokens, int maxBatchPairs, int intraOpThreads, boolean sigmoid,
        double initialNanosPerToken, Path cacheDir) {

    /** A pair cap that keeps a 20-candidate request of the full-size MiniLM-L6 near 300 ms on 2 cores. */
    public static final int DEFAULT_MAX_PAIR_TOKENS = 256;
    public static final int DEFAULT_MAX_BATCH_PAIRS = 32;
    public static final double DEFAULT_INITIAL_NANOS_PER_TOKEN = 350_000;
    /** Weight of the newest batch in the per-token cost average. */
    public static final double COST_ALPHA = 0.3;

    public CrossEncoderOptions {
        if (maxPairTokens < 8) {
            throw new IllegalArgumentException("maxPairTokens must be >= 8, got " + maxPairTokens);
        }
        if (maxBatchPairs < 1) {
            throw new IllegalArgumentException("maxBatchPairs must be >= 1, got " + maxBatchPairs);
        }
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
        }
        if (!(initialNanosPerToken > 0)) {
            throw new IllegalArgumentException("initialNanosPerToken must be > 0, got " + initialNanosPerToken);
        }
        Objects.requireNonNull(cacheDir, "cacheDir");
    }

    public static CrossEncoderOptions defaults() {
        return new CrossEncoderOptions(DEFAULT_MAX_PAIR_TOKENS, DEFAULT_MAX_BATCH_PAIRS, 1, false,
                DEFAULT_INITIAL_NANOS_PER_TOKEN,
                Path.of(System.getProperty("user.home"), ".cache", "kembed", "models"));
    }

    public CrossEncoderOptions withMaxPairTokens(int tokens) {
        return new CrossEncoderOptions(tokens, maxBatchPairs, intraOpThreads, sigmoid, initialNanosPerToken, cacheDir);
    }

    public CrossEncoderOptions withSigmoid(boolean on) {
        return new CrossEncoderOptions(maxPairTokens, maxBatchPairs, intraOpThreads, on, initialNanosPerToken, cacheDir);
    }

    public CrossEncoderOptions withInitialNanosPerToken(double nanos) {
        return new CrossEncoderOptions(maxPairTokens, maxBatchPairs, intraOpThreads, sigmoid, nanos, cacheDir);
    }

    public CrossEncoderOptions withCacheDir(Path dir) {
        return new CrossEncoderOptions(maxPairTokens, maxBatchPairs, intraOpThreads, sigmoid, initialNanosPerToken, dir);
    }
}
