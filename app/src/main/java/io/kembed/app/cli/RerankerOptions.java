package io.kembed.app.cli;

import io.kembed.rerank.CrossEncoder;
import io.kembed.rerank.CrossEncoderOptions;
import io.kembed.rerank.CrossEncoderRegistry;
import io.kembed.rerank.CrossEncoderSpec;
import java.net.URI;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import picocli.CommandLine.Option;

/** Which cross-encoder to run and how: registry id or local directory, per-pair token cap, threads, hub. */
public final class RerankerOptions {

    @Option(names = "--cross-encoder",
            defaultValue = "${env:KEMBED_CROSS_ENCODER:-" + CrossEncoderRegistry.DEFAULT_ID + "}",
            description = "Cross-encoder id from the registry (default: ${DEFAULT-VALUE}): ms-marco-minilm-l6-v2, "
                    + "ms-marco-minilm-l6-v2-q, bge-reranker-base-q, bge-reranker-v2-m3-q.")
    String crossEncoder;

    @Option(names = "--cross-encoder-dir", paramLabel = "DIR",
            description = "Load the cross-encoder from DIR/model.onnx and DIR/tokenizer.json instead of downloading "
                    + "it (the registry entry still gives the architecture family and positions).")
    Path crossEncoderDir;

    @Option(names = "--max-pair-tokens", paramLabel = "TOKENS",
            defaultValue = "${env:KEMBED_RERANK_MAX_PAIR_TOKENS:-" + CrossEncoderOptions.DEFAULT_MAX_PAIR_TOKENS + "}",
            description = "Longest query/passage pair scored, special tokens included (default: ${DEFAULT-VALUE}); "
                    + "longer passages are cut. Latency grows with it: ~67/173/288 ms for 20 pairs at 32/64/128 "
                    + "tokens with MiniLM-L6 on 2 cores.")
    int maxPairTokens;

    @Option(names = "--rerank-threads", defaultValue = "0",
            description = "ONNX Runtime intra-op threads (default: every core; the worker has one scoring thread).")
    int threads;

    @Option(names = "--hub-endpoint", paramLabel = "URL", defaultValue = "${env:HF_ENDPOINT:-https://huggingface.co/}",
            description = "Hugging Face hub or a mirror with the same layout (env HF_ENDPOINT; default: "
                    + "${DEFAULT-VALUE}); every file is still checked against its pinned sha256.")
    URI hubEndpoint;

    /** @throws IllegalArgumentException if the id is unknown */
    public CrossEncoderSpec spec() {
        CrossEncoderSpec spec;
        try {
            spec = CrossEncoderRegistry.get(crossEncoder);
        } catch (NoSuchElementException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return crossEncoderDir == null ? spec : spec.withLocalDirectory(crossEncoderDir);
    }

    /** @throws IllegalArgumentException if {@code --max-pair-tokens} is below the minimum */
    public CrossEncoderOptions options() {
        int intraOp = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return CrossEncoderOptions.defaults().withMaxPairTokens(maxPairTokens).withIntraOpThreads(intraOp)
                .withHubEndpoint(hubEndpoint);
    }

    public CrossEncoder load() {
        return CrossEncoder.load(spec(), options());
    }
}
