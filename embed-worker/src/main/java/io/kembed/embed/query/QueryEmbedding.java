package io.kembed.embed.query;

import java.util.Objects;

/**
 * A query's embedding as {@link QueryEmbedClient} returns it.
 *
 * @param model id of the model that embedded it (vectors of different models must never be compared)
 * @param vector {@code float[dims]}, L2-normalised: a dot product with a stored vector of the same model is a cosine
 * @param tokens tokens the model saw (query prefix and special tokens included, at most the model's max tokens)
 * @param truncated whether the query was cut at the model's max tokens
 */
public record QueryEmbedding(String model, float[] vector, int tokens, boolean truncated) {

    public QueryEmbedding {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(vector, "vector");
    }

    public int dims() {
        return vector.length;
    }

    @Override
    public String toString() {
        return "QueryEmbedding[model=" + model + ", dims=" + vector.length + ", tokens=" + tokens + ", truncated="
                + truncated + "]";
    }
}
