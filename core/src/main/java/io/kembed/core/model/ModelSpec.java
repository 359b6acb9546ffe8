package io.kembed.core.model;

import java.util.List;
import java.util.Objects;

/**
 * A bi-encoder kembed can run: its ONNX graph outputs {@code last_hidden_state [batch, seq, dims]} and takes
 * {@code input_ids}, {@code attention_mask} and {@code token_type_ids}, each {@code long[batch, seq]}; pooling
 * and L2 normalisation are done by kembed.
 *
 * @param id registry id, also stored with every vector (for example {@code bge-small-en-v1.5-q})
 * @param huggingFaceRepo the upstream model, for reference (for example {@code BAAI/bge-small-en-v1.5})
 * @param revision a version label for the weights; vectors record it so a weight change is a model change
 * @param dims output dimensions
 * @param pooling how token vectors become one text vector
 * @param maxTokens the longest input the model takes, special tokens included; longer texts are truncated
 *     (contacts, counted) or chunked (documents)
 * @param queryPrefix prepended to queries only (may be empty)
 * @param passagePrefix prepended to passages only (may be empty)
 * @param quantized true for int8 weights
 * @param sources where to load the weights from, tried in order
 */
public record ModelSpec(String id, String huggingFaceRepo, String revision, int dims, Pooling pooling,
        int maxTokens, String queryPrefix, String passagePrefix, boolean quantized, List<ModelSource> sources) {

    public ModelSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pooling, "pooling");
        if (dims < 1 || maxTokens < 3) {
            throw new IllegalArgumentException("bad dims/maxTokens for " + id + ": " + dims + "/" + maxTokens);
        }
        queryPrefix = queryPrefix == null ? "" : queryPrefix;
        passagePrefix = passagePrefix == null ? "" : passagePrefix;
        revision = revision == null ? "" : revision;
        sources = List.copyOf(sources);
    }

    /** The same model loaded from another source (a local directory, a URL). */
    public ModelSpec withSources(List<ModelSource> newSources) {
        return new ModelSpec(id, huggingFaceRepo, revision, dims, pooling, maxTokens, queryPrefix, passagePrefix,
                quantized, newSources);
    }
}
