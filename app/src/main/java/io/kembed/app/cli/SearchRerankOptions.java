package io.kembed.app.cli;

import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.rerank.BiEncoderReranker;
import io.kembed.rerank.CrossEncoder;
import io.kembed.rerank.CrossEncoderOptions;
import io.kembed.rerank.CrossEncoderSpec;
import io.kembed.search.CandidateReranker;
import io.kembed.search.InProcessCandidateReranker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The search path's in-process reranker: a local cross-encoder, or the labelled bi-encoder fallback. */
public final class SearchRerankOptions {

    /** The bi-encoder that rescores candidates when no cross-encoder is given (fp32 behind the int8 default). */
    public static final String DEFAULT_FALLBACK_MODEL = "bge-small-en-v1.5";

    @Option(names = "--rerank-model-dir", paramLabel = "DIR",
            description = "Rerank with a local cross-encoder: DIR/model.onnx (sequence classification, one logit) "
                    + "and DIR/tokenizer.json. Without it, the labelled bi-encoder fallback rescores.")
    Path rerankModelDir;

    @Option(names = "--rerank-fallback-model", defaultValue = DEFAULT_FALLBACK_MODEL,
            description = "Bi-encoder from the registry that rescores when no cross-encoder is given "
                    + "(default: ${DEFAULT-VALUE}).")
    String fallbackModel;

    @Option(names = "--rerank-timeout-ms", defaultValue = "2000",
            description = "Rerank budget in ms; past it the answer keeps vector order, flagged FALLBACK_TIMEOUT "
                    + "(default: ${DEFAULT-VALUE}).")
    long rerankTimeoutMs;

    /** @throws IllegalArgumentException if the timeout is below 1 ms */
    public Duration timeout() {
        if (rerankTimeoutMs < 1) {
            throw new IllegalArgumentException("--rerank-timeout-ms must be >= 1");
        }
        return Duration.ofMillis(rerankTimeoutMs);
    }

    /**
     * Loads the reranker: a local cross-encoder ({@code --rerank-model-dir}), else the bi-encoder fallback. Closing
     * it releases its model.
     *
     * @throws IllegalArgumentException if the fallback model is not in the registry
     */
    public CandidateReranker open() {
        if (rerankModelDir != null) {
            CrossEncoder cross = CrossEncoder.load(CrossEncoderSpec.local("local-" + rerankModelDir.getFileName(),
                    CrossEncoderSpec.Family.BERT, 512, rerankModelDir), CrossEncoderOptions.defaults());
            return new InProcessCandidateReranker(cross, true);
        }
        ModelSpec spec;
        try {
            spec = ModelRegistry.get(fallbackModel);
        } catch (java.util.NoSuchElementException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        // Rescoring a list of passages is one call: batched (fp32 vectors do not depend on batch-mates).
        BiEncoder encoder = BiEncoder.load(spec, BiEncoderOptions.defaultsFor(spec));
        BiEncoderReranker reranker = new BiEncoderReranker(encoder);
        return new InProcessCandidateReranker(reranker, List.of(reranker, encoder));
    }
}
