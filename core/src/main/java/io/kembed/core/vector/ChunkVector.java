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
 * @param snippet the start of the chunk's text, for display (at most {@link #SNIPPET_CHARS} chars)
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

    /** Snippet length kept in payloads, in chars. */
    public static final int SNIPPET_CHARS = 280;

    public ChunkVector {
        Objects.requireNonNull(vector, "vector");
        if (index < 0) {
            throw new IllegalArgumentException("chunk index must be >= 0, got " + index);
        }
        snippet = snippet == null ? "" : snippet.length() > SNIPPET_CHARS ? snippet.substring(0, SNIPPET_CHARS) : snippet;
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
