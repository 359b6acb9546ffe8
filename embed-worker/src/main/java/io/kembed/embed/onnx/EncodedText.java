package io.kembed.embed.onnx;

import java.util.Objects;

/**
 * One text as the model sees it, special tokens included and already truncated to the model's limit.
 *
 * @param ids token ids, {@code long[seq]}
 * @param typeIds segment ids, {@code long[seq]} (all 0 for a single text)
 * @param truncated whether tokens past the limit were dropped
 */
public record EncodedText(long[] ids, long[] typeIds, boolean truncated) {

    public EncodedText {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(typeIds, "typeIds");
        if (ids.length != typeIds.length) {
            throw new IllegalArgumentException("ids and typeIds differ in length: " + ids.length + " vs "
                    + typeIds.length);
        }
    }

    /** @return sequence length, in tokens */
    public int length() {
        return ids.length;
    }

    @Override
    public String toString() {
        return "EncodedText[tokens=" + ids.length + ", truncated=" + truncated + "]";
    }
}
