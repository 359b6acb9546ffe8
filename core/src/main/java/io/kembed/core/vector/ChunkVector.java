package io.kembed.core.vector;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.Arrays;
import java.util.Objects;

/**
 * One chunk of an entity's embedded text and its vector.
 *
 * @param index chunk number, 0-based; contacts and short documents have only chunk 0
 * @param tokens tokens the model saw for this chunk, special tokens included
 * @param truncated true if the chunk was cut at the model's maximum input length
 * @param snippet the start of the chunk's text (at most {@link #SNIPPET_CHARS} chars): shown in search output and
 *     the passage a reranker reads for this chunk
 * @param vector the L2-normalised embedding, {@code float[dims]}; serialised as base64 of little-endian float32
 */
public record ChunkVector(
        int index,
        int tokens,
        boolean truncated,
        String snippet,
        @JsonSerialize(using = FloatVectors.Base64Serializer.class)
        @JsonDeserialize(using = FloatVectors.Base64Deserializer.class)
        float[] vector) {

    /**
     * Snippet length kept in payloads, in chars. The snippet is also the passage the search client's reranker reads,
     * so it must cover the reranker's per-pair token cap ({@code CrossEncoderOptions.DEFAULT_MAX_PAIR_TOKENS} = 128,
     * configurable): at about 4 chars per WordPiece token in English, 1,024 chars are about 256 tokens. Payload cost: up to 2 KiB per
     * point in a Lucene stored field or a Qdrant payload.
     */
    public static final int SNIPPET_CHARS = 1_024;

    public ChunkVector {
        Objects.requireNonNull(vector, "vector");
        if (index < 0) {
            throw new IllegalArgumentException("chunk index must be >= 0, got " + index);
        }
        snippet = snippet == null ? "" : cut(snippet);
    }

    /** The first {@link #SNIPPET_CHARS} chars, one fewer if the cut would split a surrogate pair. */
    static String cut(String text) {
        if (text.length() <= SNIPPET_CHARS) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(SNIPPET_CHARS - 1)) ? SNIPPET_CHARS - 1 : SNIPPET_CHARS;
        return text.substring(0, end);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkVector c && index == c.index && tokens == c.tokens && truncated == c.truncated
                && snippet.equals(c.snippet) && Arrays.equals(vector, c.vector);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, tokens, truncated, snippet, Arrays.hashCode(vector));
    }

    @Override
    public String toString() {
        return "ChunkVector[index=" + index + ", tokens=" + tokens + ", truncated=" + truncated + ", dims="
                + vector.length + "]";
    }
}
