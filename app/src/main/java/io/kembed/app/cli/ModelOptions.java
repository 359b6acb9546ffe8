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

    @Option(names = "--threads", defaultValue = "${env:KEMBED_THREADS:-0}",
            description = "ONNX Runtime intra-op threads; 0 = all cores (default).")
    int threads;

    public ModelSpec spec() {
        ModelSpec spec = ModelRegistry.get(model);
        return modelDir == null ? spec : spec.withSources(List.of(new ModelSource.LocalDirectory(modelDir)));
    }

    public BiEncoderOptions encoderOptions() {
        BiEncoderOptions d = BiEncoderOptions.defaults();
        return threads <= 0 ? d : new BiEncoderOptions(threads, d.maxBatchSize(), d.maxBatchTokens(), d.cacheDir());
    }

    public BiEncoder load() {
        return BiEncoder.load(spec(), encoderOptions());
    }
}
