package io.kembed.embed.onnx;

import java.util.Objects;

/**
 * Where each content token (special tokens excluded) of a text lies, in Java {@code char} (UTF-16) indices.
 *
 * @param startChar {@code int[tokens]}, inclusive
 * @param endChar {@code int[tokens]}, exclusive
 * @param wordIds {@code int[tokens]}; consecutive tokens with the same id are pieces of one word
 */
public record TokenSpans(int[] startChar, int[] endChar, int[] wordIds) {

    public TokenSpans {
        Objects.requireNonNull(startChar, "startChar");
        Objects.requireNonNull(endChar, "endChar");
        Objects.requireNonNull(wordIds, "wordIds");
        if (startChar.length != endChar.length || startChar.length != wordIds.length) {
            throw new IllegalArgumentException("span arrays differ in length");
        }
    }

    /** @return number of content tokens */
    public int size() {
        return startChar.length;
    }

    @Override
    public String toString() {
        return "TokenSpans[tokens=" + startChar.length + "]";
    }
}
