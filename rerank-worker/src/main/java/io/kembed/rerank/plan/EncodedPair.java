package io.kembed.rerank.plan;

import java.util.Objects;

/**
 * One query/passage pair as token ids, in the model's pair template (BERT: {@code [CLS] q [SEP] p [SEP]};
 * XLM-RoBERTa: {@code <s> q </s></s> p </s>}).
 *
 * @param ids token ids, {@code long[seq]}
 * @param typeIds segment ids, {@code long[seq]} (all 0 for XLM-RoBERTa)
 * @param sequenceIds which text each token comes from: 0 the query, 1 the passage, -1 a special token
 * @param truncated true if tokens were dropped to fit the per-pair cap
 */
public record EncodedPair(long[] ids, long[] typeIds, long[] sequenceIds, boolean truncated) {

    public EncodedPair {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(typeIds, "typeIds");
        Objects.requireNonNull(sequenceIds, "sequenceIds");
        if (typeIds.length != ids.length || sequenceIds.length != ids.length) {
            throw new IllegalArgumentException("ids, typeIds and sequenceIds differ in length: " + ids.length
                    + "/" + typeIds.length + "/" + sequenceIds.length);
        }
    }

    /** @return tokens, special tokens included */
    public int length() {
        return ids.length;
    }
}
