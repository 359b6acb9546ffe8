package io.kembed.embed;

import java.util.Objects;

/**
 * A piece of a longer text, cut at token boundaries, that fits the model without truncation.
 *
 * @param index position among the text's chunks, from 0
 * @param text {@code source.substring(startChar, endChar)}
 * @param startChar first {@code char} (UTF-16 index) in the source text, inclusive
 * @param endChar last {@code char} in the source text, exclusive
 * @param tokens tokens the model sees for this chunk as a passage: passage prefix, chunk text and special tokens
 */
public record TextChunk(int index, String text, int startChar, int endChar, int tokens) {

    public TextChunk {
        Objects.requireNonNull(text, "text");
        if (index < 0 || startChar < 0 || endChar < startChar || endChar - startChar != text.length()) {
            throw new IllegalArgumentException(
                    "bad chunk " + index + " [" + startChar + ", " + endChar + ") of length " + text.length());
        }
    }
}
