package io.kembed.embed.batch;

import io.kembed.core.model.Pooling;
import java.util.Objects;

/**
 * Turns a batch of token vectors ({@code last_hidden_state}, {@code float[batch][seq][dims]}) into one vector per
 * text, and L2-normalises vectors. Named apart from {@link Pooling}, the registry's choice of mode, which
 * {@link #pool} dispatches on.
 */
public final class TokenPooling {

    private TokenPooling() {
    }

    /**
     * Pools with the given mode.
     *
     * @param mode {@link Pooling#CLS} or {@link Pooling#MEAN}
     * @param hidden {@code float[batch][seq][dims]}
     * @param attentionMask {@code long[batch][seq]}, 1 for a real token and 0 for padding
     * @return {@code float[batch][dims]}, not normalised
     * @throws IllegalArgumentException if the shapes disagree
     */
    public static float[][] pool(Pooling mode, float[][][] hidden, long[][] attentionMask) {
        Objects.requireNonNull(mode, "mode");
        return switch (mode) {
            case CLS -> cls(hidden);
            case MEAN -> mean(hidden, attentionMask);
        };
    }

    /**
     * The first token's vector ({@code [CLS]}) of each text, as BGE is trained (BGE model card). Padding sits at
     * the end of a sequence, so no mask is needed.
     *
     * @param hidden {@code float[batch][seq][dims]}, {@code seq >= 1}
     * @return {@code float[batch][dims]}, copies
     * @throws IllegalArgumentException if a sequence is empty
     */
    public static float[][] cls(float[][][] hidden) {
        float[][] pooled = new float[hidden.length][];
        for (int b = 0; b < hidden.length; b++) {
            if (hidden[b].length == 0) {
                throw new IllegalArgumentException("sequence " + b + " is empty");
            }
            pooled[b] = hidden[b][0].clone();
        }
        return pooled;
    }

    /**
     * Mean of each text's token vectors over the positions where the attention mask is 1, as
     * sentence-transformers' {@code Pooling(pooling_mode_mean_tokens=True)} does for MiniLM and E5. Sums are kept in
     * {@code double}. A text whose mask is all zeros yields a zero vector.
     *
     * @param hidden {@code float[batch][seq][dims]}
     * @param attentionMask {@code long[batch][seq]}, 1 for a real token and 0 for padding
     * @return {@code float[batch][dims]}
     * @throws IllegalArgumentException if the batch or sequence lengths of the two arrays differ
     */
    public static float[][] mean(float[][][] hidden, long[][] attentionMask) {
        if (hidden.length != attentionMask.length) {
            throw new IllegalArgumentException(
                    "batch sizes differ: hidden " + hidden.length + ", mask " + attentionMask.length);
        }
        float[][] pooled = new float[hidden.length][];
        for (int b = 0; b < hidden.length; b++) {
            float[][] tokens = hidden[b];
            long[] mask = attentionMask[b];
            if (tokens.length != mask.length) {
                throw new IllegalArgumentException(
                        "sequence " + b + ": hidden has " + tokens.length + " tokens, mask " + mask.length);
            }
            int dims = tokens.length == 0 ? 0 : tokens[0].length;
            double[] sum = new double[dims];
            long count = 0;
            for (int t = 0; t < tokens.length; t++) {
                if (mask[t] != 0) {
                    float[] v = tokens[t];
                    for (int d = 0; d < dims; d++) {
                        sum[d] += v[d];
                    }
                    count++;
                }
            }
            float[] out = new float[dims];
            if (count > 0) {
                for (int d = 0; d < dims; d++) {
                    out[d] = (float) (sum[d] / count);
                }
            }
            pooled[b] = out;
        }
        return pooled;
    }

    /**
     * Scales {@code v} in place to unit Euclidean length, so that a dot product is a cosine. A zero vector is left
     * as is.
     *
     * @param v {@code float[dims]}, changed in place
     * @return {@code v}
     */
    public static float[] l2Normalize(float[] v) {
        double sumSquares = 0;
        for (float x : v) {
            sumSquares += (double) x * x;
        }
        if (sumSquares > 0) {
            double inverse = 1.0 / Math.sqrt(sumSquares);
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] * inverse);
            }
        }
        return v;
    }
}
