package io.kembed.rerank;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How a {@link CrossEncoder} runs. Defaults in {@link #defaults()}.
 *
 * @param maxPairTokens longest query/passage pair fed to the model, tokens, special tokens included (default
 *     {@value #DEFAULT_MAX_PAIR_TOKENS}); longer pairs lose passage tokens first, counted in
 *     {@link RerankOutcome#truncatedPairs()}. Capped by the model's positions at load time. Inference time grows
 *     with it roughly linearly (see {@link #DEFAULT_MAX_PAIR_TOKENS}), so it is the main latency knob.
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
 * @param hubEndpoint root of the Hugging Face hub the registry's files are downloaded from (default
 *     {@code https://huggingface.co/}); a mirror must serve the same {@code <repo>/resolve/<revision>/<file>}
 *     paths, and every file is still checked against its pinned sha256
 */
public record CrossEncoderOptions(int maxPairTokens, int maxBatchPairs, int intraOpThreads, boolean sigmoid,
        double initialNanosPerToken, Path cacheDir, URI hubEndpoint) {

    /**
     * The default per-pair cap, tokens. Latency grows a little faster than linearly with it (attention is quadratic
     * in the sequence): on this project's 2-core machine the full-size MiniLM-L6 (fp32, both cores) scores the 20
     * candidates of one request in 122 / 187 / 367 ms (P50, in process) at 32 / 64 / 128 tokens a pair
     * ({@code kembed bench rerank} on an idle machine; it measures yours). 128 keeps such a request under 400 ms,
     * inside a typical search deadline, while holding a short query plus the first ~90 words of a passage (MS MARCO
     * passages, which these rerankers were trained on, average about 60 words). Raise it for long passages if the
     * deadline allows (256 tokens costs more than twice as much); lower it for tighter deadlines.
     */
    public static final int DEFAULT_MAX_PAIR_TOKENS = 128;
    /** Smallest cap accepted: room for the special tokens and a few tokens of query and passage. */
    public static final int MIN_MAX_PAIR_TOKENS = 8;
    public static final int DEFAULT_MAX_BATCH_PAIRS = 32;
    public static final double DEFAULT_INITIAL_NANOS_PER_TOKEN = 350_000;
    /** Weight of the newest batch in the per-token cost average. */
    public static final double COST_ALPHA = 0.3;

    /** @throws IllegalArgumentException if a bound above is broken */
    public CrossEncoderOptions {
        if (maxPairTokens < MIN_MAX_PAIR_TOKENS) {
            throw new IllegalArgumentException("maxPairTokens must be >= " + MIN_MAX_PAIR_TOKENS + ", got "
                    + maxPairTokens);
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
        Objects.requireNonNull(hubEndpoint, "hubEndpoint");
    }

    public static CrossEncoderOptions defaults() {
        return new CrossEncoderOptions(DEFAULT_MAX_PAIR_TOKENS, DEFAULT_MAX_BATCH_PAIRS, 1, false,
                DEFAULT_INITIAL_NANOS_PER_TOKEN,
                Path.of(System.getProperty("user.home"), ".cache", "kembed", "models"),
                CrossEncoderSpec.HUGGING_FACE);
    }

    public CrossEncoderOptions withMaxPairTokens(int tokens) {
        return new CrossEncoderOptions(tokens, maxBatchPairs, intraOpThreads, sigmoid, initialNanosPerToken, cacheDir,
                hubEndpoint);
    }

    public CrossEncoderOptions withMaxBatchPairs(int pairs) {
        return new CrossEncoderOptions(maxPairTokens, pairs, intraOpThreads, sigmoid, initialNanosPerToken, cacheDir,
                hubEndpoint);
    }

    public CrossEncoderOptions withIntraOpThreads(int threads) {
        return new CrossEncoderOptions(maxPairTokens, maxBatchPairs, threads, sigmoid, initialNanosPerToken, cacheDir,
                hubEndpoint);
    }

    public CrossEncoderOptions withSigmoid(boolean on) {
        return new CrossEncoderOptions(maxPairTokens, maxBatchPairs, intraOpThreads, on, initialNanosPerToken, cacheDir,
                hubEndpoint);
    }

    public CrossEncoderOptions withInitialNanosPerToken(double nanos) {
        return new CrossEncoderOptions(maxPairTokens, maxBatchPairs, intraOpThreads, sigmoid, nanos, cacheDir,
                hubEndpoint);
    }

    public CrossEncoderOptions withCacheDir(Path dir) {
        return new CrossEncoderOptions(maxPairTokens, maxBatchPairs, intraOpThreads, sigmoid, initialNanosPerToken, dir,
                hubEndpoint);
    }

    public CrossEncoderOptions withHubEndpoint(URI hub) {
        return new CrossEncoderOptions(maxPairTokens, maxBatchPairs, intraOpThreads, sigmoid, initialNanosPerToken,
                cacheDir, hub);
    }
}
