package io.kembed.embed;

import java.util.Objects;

/**
 * One text's vector and what the model saw of it.
 *
 * @param vector {@code float[dims]}, unit length (L2-normalised), so a dot product is a cosine
 * @param tokens tokens fed to the model: prefix, text and special tokens, after truncation ({@code <= maxTokens})
 * @param truncated whether the text (with its prefix) exceeded the model's {@code maxTokens} and its tail was
 *     dropped
 */
public record PassageEmbedding(float[] vector, int tokens, boolean truncated) {

    public PassageEmbedding {
        Objects.requireNonNull(vector, "vector");
    }

    @Override
    public String toString() {
        return "PassageEmbedding[dims=" + vector.length + ", tokens=" + tokens + ", truncated=" + truncated + "]";
    }
}
