package io.kembed.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.model.ModelRegistry;
import io.kembed.core.vector.FloatVectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Behaviour of {@link BiEncoder} with bge-small-en-v1.5-q (CLS pooling, query instruction, no passage prefix). */
class BiEncoderTest {

    private static BiEncoder bge;

    @BeforeAll
    static void load() {
        bge = TestModels.load("bge-small-en-v1.5-q");
    }

    @AfterAll
    static void close() {
        bge.close();
    }

    @Test
    void queryEmbedding_appliesTheInstruction_soItDiffersFromThePassageEmbedding() {
        String text = "renewable energy subsidies";

        float[] query = bge.embedQuery(text);
        float[] passage = bge.embedPassages(List.of(text)).get(0).vector();

        assertThat(bge.spec().queryPrefix()).isEqualTo(ModelRegistry.BGE_QUERY_INSTRUCTION);
        assertThat(FloatVectors.cosine(query, passage)).isLessThan(0.98);
        assertThat(query).isNotEqualTo(passage);
    }

    @Test
    void relevantPassage_scoresHigherThanIrrelevantOne() {
        float[] query = bge.embedQuery("Which groups lobby for fishing quotas?");
        List<PassageEmbedding> passages = bge.embedPassages(List.of(
                "We represent small-scale fishermen and campaign for fair catch quotas in the Common Fisheries Policy.",
                "Our bakery chain sells sourdough bread and pastries in twelve cities."));

        double relevant = FloatVectors.cosine(query, passages.get(0).vector());
        double irrelevant = FloatVectors.cosine(query, passages.get(1).vector());

        assertThat(relevant).isGreaterThan(irrelevant + 0.1);
    }

    @Test
    void results_comeBackInInputOrder_thoughBatchesAreLengthSorted() {
        List<String> texts = List.of(TestTexts.longText(2), "short", TestTexts.PARAGRAPH, "a bit longer text");

        List<PassageEmbedding> together = bge.embedPassages(texts);

        for (int i = 0; i < texts.size(); i++) {
            PassageEmbedding alone = bge.embedPassages(List.of(texts.get(i))).get(0);
            assertThat(together.get(i).tokens()).isEqualTo(alone.tokens());
            // int8 graphs shift slightly with batch-mates (see BiEncoderGoldenTest); another text would be far off.
            assertThat(FloatVectors.cosine(together.get(i).vector(), alone.vector())).isGreaterThan(0.97);
        }
    }

    @Test
    void concurrentCallers_getTheSameVectorsAsOneCaller() throws Exception {
        List<String> texts = TestTexts.registerGoals(12);
        List<PassageEmbedding> expected = bge.embedPassages(texts);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<PassageEmbedding>>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                futures.add(pool.submit(() -> bge.embedPassages(texts)));
            }
            for (Future<List<PassageEmbedding>> f : futures) {
                List<PassageEmbedding> actual = f.get();
                for (int i = 0; i < texts.size(); i++) {
                    assertThat(actual.get(i).vector()).containsExactly(expected.get(i).vector());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void stats_countTextsTokensAndBatches() {
        BiEncoderOptions options = bge.options();
        EmbedStats before = bge.stats();
        List<String> texts = new ArrayList<>(TestTexts.registerGoals(40));

        List<PassageEmbedding> out = bge.embedPassages(texts);

        EmbedStats after = bge.stats();
        long tokens = out.stream().mapToLong(PassageEmbedding::tokens).sum();
        assertThat(after.texts() - before.texts()).isEqualTo(40);
        assertThat(after.tokens() - before.tokens()).isEqualTo(tokens);
        assertThat(after.paddedTokens() - before.paddedTokens()).isGreaterThanOrEqualTo(tokens);
        assertThat(after.batches() - before.batches())
                .isGreaterThanOrEqualTo((40 + options.maxBatchSize() - 1) / options.maxBatchSize());
        assertThat(after.truncatedTexts() - before.truncatedTexts())
                .isEqualTo(out.stream().filter(PassageEmbedding::truncated).count());
        assertThat(after.inferenceNanos()).isGreaterThan(before.inferenceNanos());
    }

    @Test
    void noTexts_noWork() {
        EmbedStats before = bge.stats();

        assertThat(bge.embedPassages(List.of())).isEmpty();
        assertThat(bge.stats()).isEqualTo(before);
    }

    @Test
    void nullText_isRejectedWithItsIndex() {
        assertThatThrownBy(() -> bge.embedPassages(Arrays.asList("a", null)))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("texts[1]");
    }

    @Test
    void emptyText_stillGetsAUnitVector() {
        PassageEmbedding empty = bge.embedPassages(List.of("")).get(0);

        assertThat(empty.tokens()).isEqualTo(2); // [CLS] [SEP]
        assertThat(FloatVectors.norm(empty.vector())).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void closedEncoder_refusesWork_andClosesOnce() {
        BiEncoder other = TestModels.load("bge-small-en-v1.5-q");
        other.close();
        other.close();

        assertThatThrownBy(() -> other.embedQuery("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> other.countTokens("x")).isInstanceOf(IllegalStateException.class);
    }
}
