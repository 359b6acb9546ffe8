package io.kembed.core.vector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChunkVectorTest {

    @Test
    void snippet_keepsTheFirst1024Chars() {
        String text = "x".repeat(1_000) + "y".repeat(1_000);
        String snippet = new ChunkVector(0, 1, false, text, new float[1]).snippet();
        assertThat(snippet).hasSize(ChunkVector.SNIPPET_CHARS).isEqualTo(text.substring(0, 1_024));
        assertThat(new ChunkVector(0, 1, false, "short", new float[1]).snippet()).isEqualTo("short");
        assertThat(new ChunkVector(0, 1, false, null, new float[1]).snippet()).isEmpty();
    }

    @Test
    void snippet_neverEndsInHalfASurrogatePair() {
        String text = "a".repeat(ChunkVector.SNIPPET_CHARS - 1) + "\uD83D\uDE00" + "tail"; // an emoji across the cut
        String snippet = new ChunkVector(0, 1, false, text, new float[1]).snippet();
        assertThat(snippet).hasSize(ChunkVector.SNIPPET_CHARS - 1);
        assertThat(Character.isHighSurrogate(snippet.charAt(snippet.length() - 1))).isFalse();
    }
}
