package io.kembed.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.model.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Chunking with e5-small-v2, whose passage prefix ({@code "passage: "}) takes part of every chunk's budget. */
class BiEncoderChunkTest {

    private static BiEncoder e5;
    private static ModelSpec spec;

    @BeforeAll
    static void load() {
        e5 = TestModels.load("e5-small-v2");
        spec = e5.spec();
    }

    @AfterAll
    static void close() {
        e5.close();
    }

    private static String textOfAbout3000Tokens() {
        StringBuilder text = new StringBuilder();
        List<String> goals = TestTexts.registerGoals(200);
        for (int i = 0; e5.countTokens(text.toString()) < 3_000; i++) {
            text.append(goals.get(i)).append("\n\n");
        }
        return text.toString();
    }

    @Test
    void longText_isSplitIntoChunksThatFit_overlap_andCoverTheWholeText() {
        String text = textOfAbout3000Tokens();
        int overlap = 32;

        List<TextChunk> chunks = e5.chunk(text, overlap);

        assertThat(spec.passagePrefix()).isEqualTo("passage: ");
        assertThat(chunks).hasSizeBetween(6, 9); // ~3000 tokens, ~500 per chunk less the overlap
        assertThat(chunks.get(0).startChar()).isZero();
        assertThat(chunks.get(chunks.size() - 1).endChar()).isEqualTo(text.length());
        for (int i = 0; i < chunks.size(); i++) {
            TextChunk chunk = chunks.get(i);
            assertThat(chunk.index()).isEqualTo(i);
            assertThat(chunk.text()).isEqualTo(text.substring(chunk.startChar(), chunk.endChar()));
            assertThat(chunk.tokens())
                    .isEqualTo(e5.countTokens(spec.passagePrefix() + chunk.text()))
                    .isLessThanOrEqualTo(spec.maxTokens());
            if (i < chunks.size() - 1) {
                assertThat(chunk.tokens()).as("chunks are filled").isGreaterThan(spec.maxTokens() - 20);
            }
            if (i > 0) {
                TextChunk previous = chunks.get(i - 1);
                assertThat(chunk.startChar()).as("no gap").isLessThan(previous.endChar());
                String shared = text.substring(chunk.startChar(), previous.endChar());
                int sharedTokens = e5.countTokens(shared) - 2; // without [CLS] [SEP]
                assertThat(sharedTokens).as("overlap of chunk %d", i).isBetween(overlap, overlap + 4);
            }
        }
    }

    @Test
    void chunks_embedWithoutTruncation() {
        List<TextChunk> chunks = e5.chunk(textOfAbout3000Tokens(), 0);
        long truncatedBefore = e5.stats().truncatedTexts();

        List<PassageEmbedding> vectors = e5.embedPassages(chunks.stream().map(TextChunk::text).toList());

        assertThat(vectors).noneMatch(PassageEmbedding::truncated);
        assertThat(e5.stats().truncatedTexts()).isEqualTo(truncatedBefore);
        for (int i = 0; i < chunks.size(); i++) {
            assertThat(vectors.get(i).tokens()).isEqualTo(chunks.get(i).tokens());
        }
    }

    @Test
    void zeroOverlap_chunksMeetEndToEnd() {
        String text = textOfAbout3000Tokens();

        List<TextChunk> chunks = e5.chunk(text, 0);

        for (int i = 1; i < chunks.size(); i++) {
            assertThat(chunks.get(i).startChar()).isEqualTo(chunks.get(i - 1).endChar());
        }
        assertThat(String.join("", chunks.stream().map(TextChunk::text).toList())).isEqualTo(text);
    }

    @Test
    void textThatFits_isOneChunk() {
        String text = "  A short text, with its spaces kept.  ";

        List<TextChunk> chunks = e5.chunk(text, 50);

        assertThat(chunks).containsExactly(
                new TextChunk(0, text, 0, text.length(), e5.countTokens(spec.passagePrefix() + text)));
    }

    @Test
    void textJustOverTheLimit_isTwoChunks() {
        String text = "word ".repeat(spec.maxTokens()); // 512 words + prefix + specials > 512

        List<TextChunk> chunks = e5.chunk(text, 10);

        assertThat(chunks).hasSize(2);
        assertThat(chunks).allSatisfy(c -> assertThat(c.tokens()).isLessThanOrEqualTo(spec.maxTokens()));
    }

    @Test
    void overlapNotBelowTheBudget_isRejected() {
        assertThatThrownBy(() -> e5.chunk("text", spec.maxTokens()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overlapTokens");
        assertThatThrownBy(() -> e5.chunk("text", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
