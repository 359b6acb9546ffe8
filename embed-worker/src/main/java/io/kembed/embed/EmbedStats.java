package io.kembed.embed;

/**
 * Counters of a {@link BiEncoder} since it was loaded, passages and queries together. A snapshot: the counters are
 * read one by one, so under concurrent use they may be a few texts apart.
 *
 * @param texts texts embedded
 * @param tokens tokens fed to the model, special tokens and prefixes included, padding excluded
 * @param paddedTokens tokens the model computed, padding included ({@code batch size × longest}, summed)
 * @param truncatedTexts texts cut at the model's {@code maxTokens}
 * @param batches ONNX Runtime runs
 * @param inferenceNanos time in batches (tensor building, {@code session.run}, pooling), in nanoseconds
 */
public record EmbedStats(long texts, long tokens, long paddedTokens, long truncatedTexts, long batches,
        long inferenceNanos) {

    /** @return texts per second of inference time, 0 before the first batch */
    public double textsPerInferenceSecond() {
        return inferenceNanos == 0 ? 0 : texts * 1e9 / inferenceNanos;
    }
}
