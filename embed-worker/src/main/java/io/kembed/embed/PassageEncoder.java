package io.kembed.embed;

import java.util.List;

/**
 * What the embed worker's bulk path calls to embed the passages of a flush: {@link BiEncoder#embedPassages(List,
 * InferenceLane)} in production. It is a seam: a test (or an operator's diagnostic build) can wrap it to make
 * inference fail for marked texts, which is how the poison-isolation tests produce a record that fails inference,
 * as none of the bundled models has a known input that makes ONNX Runtime fail.
 */
@FunctionalInterface
public interface PassageEncoder {

    /**
     * @param passages texts, none null; the model's passage prefix is added by the implementation
     * @param lane admits each ONNX Runtime run
     * @return one embedding per passage, in input order
     * @throws EmbeddingException if inference fails (the flush isolates the failing change by splitting the batch)
     * @throws IllegalStateException if the encoder is closed (the flush is abandoned, nothing is dead-lettered)
     */
    List<PassageEmbedding> embed(List<String> passages, InferenceLane lane);
}
