package io.kembed.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.model.ModelRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BiEncoderOptionsTest {

    @Test
    void defaults_useAllProcessors_andTheDocumentedLimits() {
        BiEncoderOptions defaults = BiEncoderOptions.defaults();

        assertThat(defaults.intraOpThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(defaults.maxBatchSize()).isEqualTo(BiEncoderOptions.DEFAULT_MAX_BATCH_SIZE);
        assertThat(defaults.maxBatchTokens()).isEqualTo(BiEncoderOptions.DEFAULT_MAX_BATCH_TOKENS);
        assertThat(defaults.cacheDir()).isEqualTo(BiEncoderOptions.defaultCacheDir());
    }

    @Test
    void defaultsForAnInt8Model_runUnbatched_fp32KeepsTheDefaults() {
        assertThat(BiEncoderOptions.defaultsFor(ModelRegistry.get("bge-small-en-v1.5-q")))
                .isEqualTo(BiEncoderOptions.defaults().withMaxBatchSize(1));
        assertThat(BiEncoderOptions.defaultsFor(ModelRegistry.get("bge-small-en-v1.5")))
                .isEqualTo(BiEncoderOptions.defaults());
    }

    @Test
    void defaultCacheDir_isUnderUserHome_unlessOverridden() {
        String env = System.getenv(BiEncoderOptions.CACHE_DIR_ENV);
        Path expected = env == null || env.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "kembed", "models")
                : Path.of(env);

        assertThat(BiEncoderOptions.defaultCacheDir()).isEqualTo(expected);
    }

    @Test
    void withers_changeOneField() {
        BiEncoderOptions base = new BiEncoderOptions(2, 16, 4096, Path.of("c"));

        assertThat(base.withIntraOpThreads(1)).isEqualTo(new BiEncoderOptions(1, 16, 4096, Path.of("c")));
        assertThat(base.withMaxBatchSize(4)).isEqualTo(new BiEncoderOptions(2, 4, 4096, Path.of("c")));
        assertThat(base.withMaxBatchTokens(512)).isEqualTo(new BiEncoderOptions(2, 16, 512, Path.of("c")));
        assertThat(base.withCacheDir(Path.of("d"))).isEqualTo(new BiEncoderOptions(2, 16, 4096, Path.of("d")));
    }

    @Test
    void outOfBoundsValues_areRejectedWithTheirName() {
        Path dir = Path.of("c");
        assertThatThrownBy(() -> new BiEncoderOptions(0, 16, 4096, dir)).hasMessageContaining("intraOpThreads");
        assertThatThrownBy(() -> new BiEncoderOptions(257, 16, 4096, dir)).hasMessageContaining("intraOpThreads");
        assertThatThrownBy(() -> new BiEncoderOptions(2, 0, 4096, dir)).hasMessageContaining("maxBatchSize");
        assertThatThrownBy(() -> new BiEncoderOptions(2, 5000, 4096, dir)).hasMessageContaining("maxBatchSize");
        assertThatThrownBy(() -> new BiEncoderOptions(2, 16, 0, dir)).hasMessageContaining("maxBatchTokens");
        assertThatThrownBy(() -> new BiEncoderOptions(2, 16, 4096, null)).hasMessageContaining("cacheDir");
    }
}
