package io.kembed.app.cli;

import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSource;
import io.kembed.core.model.ModelSpec;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Which bi-encoder to run. */
public final class ModelOptions {

    @Option(names = "--model", defaultValue = "${env:KEMBED_MODEL:-" + ModelRegistry.DEFAULT_MODEL + "}",
            description = "Bi-encoder id from the registry (default: ${DEFAULT-VALUE}); `kembed models` lists them.")
    String model;

    @Option(names = "--model-dir", paramLabel = "DIR",
            description = "Load the model's weights from DIR/model.onnx and DIR/tokenizer.json instead of its "
                    + "registry sources (the registry still gives pooling, prefixes and max length).")
    Path modelDir;

    @Option(names = "--model-url", paramLabel = "URL",
            description = "Download model.onnx from URL (for example a Hugging Face resolve/<revision> URL); needs "
                    + "--model-sha256, --tokenizer-url and --tokenizer-sha256. Checked before use, cached.")
    java.net.URI modelUrl;

    @Option(names = "--model-sha256", paramLabel = "HEX", description = "Pinned sha256 of the --model-url file.")
    String modelSha256;

    @Option(names = "--tokenizer-url", paramLabel = "URL", description = "Download tokenizer.json from URL.")
    java.net.URI tokenizerUrl;

    @Option(names = "--tokenizer-sha256", paramLabel = "HEX", description = "Pinned sha256 of --tokenizer-url.")
    String tokenizerSha256;

    @Option(names = "--threads", defaultValue = "${env:KEMBED_THREADS:-0}",
            description = "ONNX Runtime intra-op threads per caller (default 1: the worker runs one stream thread "
                    + "per core, each calling the model).")
    int threads;

    /**
     * @throws IllegalArgumentException if the model is unknown or a URL source lacks a pinned sha256
     */
    public ModelSpec spec() {
        ModelSpec spec;
        try {
            spec = ModelRegistry.get(model);
        } catch (java.util.NoSuchElementException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (modelUrl != null || tokenizerUrl != null) {
            if (modelUrl == null || tokenizerUrl == null || modelSha256 == null || tokenizerSha256 == null) {
                throw new IllegalArgumentException("--model-url needs --model-sha256, --tokenizer-url and "
                        + "--tokenizer-sha256: downloads are only used with a pinned checksum");
            }
            return spec.withSources(List.of(new ModelSource.Url(modelUrl, modelSha256, tokenizerUrl,
                    tokenizerSha256)));
        }
        return modelDir == null ? spec : spec.withSources(List.of(new ModelSource.LocalDirectory(modelDir)));
    }

    public BiEncoderOptions encoderOptions() {
        BiEncoderOptions d = BiEncoderOptions.forWorker(spec());
        return threads <= 0 ? d : d.withIntraOpThreads(threads);
    }

    public BiEncoder load() {
        return BiEncoder.load(spec(), encoderOptions());
    }
}
