package io.kembed.embed.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.embed.TestModels;
import io.kembed.embed.TestTexts;
import io.kembed.embed.bench.RawOnnxBenchmark.Config;
import io.kembed.embed.bench.RawOnnxBenchmark.Measurement;
import io.kembed.embed.bench.RawOnnxBenchmark.Result;
import io.kembed.embed.model.ModelLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

class RawOnnxBenchmarkTest {

    @Test
    void standardConfigs_spanBatchingAndThreading() {
        BiEncoderOptions options = TestModels.options().withIntraOpThreads(2).withMaxBatchTokens(4096);

        List<Config> configs = RawOnnxBenchmark.standardConfigs(options, 2);

        assertThat(configs).extracting(Config::lengthSorted)
                .containsExactly(false, true, true, true, true, true, true, true, true, true, true);
        assertThat(configs).extracting(Config::maxBatchSize).containsExactly(32, 1, 4, 8, 16, 32, 1, 4, 8, 16, 32);
        assertThat(configs).extracting(Config::intraOpThreads).containsExactly(2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1);
        assertThat(configs).extracting(Config::callers).containsExactly(1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2);
        assertThat(configs.subList(1, configs.size())).extracting(Config::maxBatchTokens).containsOnly(4096);
        assertThat(configs).extracting(Config::name).doesNotHaveDuplicates();
    }

    @Test
    void standardConfigs_onOneCore_haveNoDataParallelVariants() {
        List<Config> configs = RawOnnxBenchmark.standardConfigs(TestModels.options().withIntraOpThreads(1), 1);

        assertThat(configs).hasSize(6).extracting(Config::callers).containsOnly(1);
    }

    @Test
    void run_measuresEachConfig_andNamesTheFastest() throws InterruptedException {
        ModelSpec spec = ModelRegistry.get("all-minilm-l6-v2-q");
        List<String> texts = TestTexts.registerGoals(24);
        List<Config> configs = List.of(
                new Config("unsorted-8", false, 8, Integer.MAX_VALUE, 1, 1),
                new Config("sorted-8", true, 8, 4096, 1, 1),
                new Config("sorted-8 x2callers", true, 8, 4096, 1, 2));

        Result result = RawOnnxBenchmark.run(spec, ModelLoader.resolve(spec, TestModels.CACHE_DIR), texts, configs, 1);

        assertThat(result.measurements()).extracting(Measurement::config).containsExactlyElementsOf(configs);
        assertThat(result.texts()).isEqualTo(24);
        assertThat(result.measurements()).allSatisfy(m -> {
            assertThat(m.tokens()).isEqualTo(result.tokens());
            assertThat(m.paddedTokens()).isGreaterThanOrEqualTo(m.tokens());
            assertThat(m.textsPerSecond()).isPositive();
            assertThat(m.tokensPerSecond()).isCloseTo(m.textsPerSecond() * m.tokens() / m.texts(),
                    org.assertj.core.data.Offset.offset(1e-6 * m.tokensPerSecond()));
        });
        Measurement sorted = result.measurements().get(1);
        Measurement unsorted = result.measurements().get(0);
        assertThat(sorted.paddedTokens()).isLessThan(unsorted.paddedTokens());
        double fastest = result.measurements().stream().mapToDouble(Measurement::textsPerSecond).max().orElseThrow();
        assertThat(result.best().textsPerSecond()).isEqualTo(fastest);
        assertThat(result.format()).contains("all-minilm-l6-v2-q", "sorted-8 x2callers", "texts/s",
                "best: " + result.best().config().name());
    }

    @Test
    void noTexts_isRejected() {
        ModelSpec spec = ModelRegistry.get("all-minilm-l6-v2-q");
        assertThatThrownBy(() -> RawOnnxBenchmark.run(spec, ModelLoader.resolve(spec, TestModels.CACHE_DIR),
                List.of(), List.of(), 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
