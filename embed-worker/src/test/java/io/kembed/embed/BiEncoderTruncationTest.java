package io.kembed.embed;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.model.ModelRegistry;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * all-MiniLM-L6-v2 is limited to 256 tokens by its model card, while its tokenizer.json alone would truncate at 128;
 * our limit must win, and every truncation must be reported and counted.
 */
class BiEncoderTruncationTest {

    private static BiEncoder minilm;

    @BeforeAll
    static void load() {
        minilm = TestModels.load("all-minilm-l6-v2-q");
    }

    @AfterAll
    static void close() {
        minilm.close();
    }

    @Test
    void longText_isTruncatedAtTheSpecsLimit_andCounted() {
        String[] words = TestTexts.longText(20).split("\\s+");
        String twoThousandWords = String.join(" ", Arrays.copyOf(words, 2_000));
        long truncatedBefore = minilm.stats().truncatedTexts();

        List<PassageEmbedding> out = minilm.embedPassages(List.of(twoThousandWords, "a short text"));

        assertThat(ModelRegistry.MINILM_MAX_TOKENS).isEqualTo(256);
        assertThat(out.get(0).tokens()).isEqualTo(256);
        assertThat(out.get(0).truncated()).isTrue();
        assertThat(out.get(1).tokens()).isEqualTo(5); // [CLS] a short text [SEP]
        assertThat(out.get(1).truncated()).isFalse();
        assertThat(minilm.stats().truncatedTexts() - truncatedBefore).isEqualTo(1);
    }

    @Test
    void textBetween128And256Tokens_isNotTruncated() {
        String text = "word ".repeat(200);

        PassageEmbedding out = minilm.embedPassages(List.of(text)).get(0);

        assertThat(out.tokens()).isEqualTo(202);
        assertThat(out.truncated()).isFalse();
    }

    @Test
    void query_isTruncatedToo() {
        long truncatedBefore = minilm.stats().truncatedTexts();

        minilm.embedQuery("word ".repeat(400));

        assertThat(minilm.stats().truncatedTexts() - truncatedBefore).isEqualTo(1);
    }

    @Test
    void countTokens_reportsTheUntruncatedLength() {
        assertThat(minilm.countTokens("word ".repeat(400))).isEqualTo(402);
    }
}
