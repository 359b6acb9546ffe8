package io.kembed.rerank.onnx;

import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.kembed.embed.onnx.OnnxSessions;
import io.kembed.embed.EmbeddingException;
import io.kembed.embed.model.ModelLoadException;
import io.kembed.rerank.plan.EncodedPair;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An ONNX Runtime session over a sequence-classification graph (BERT or XLM-RoBERTa family): inputs
 * {@code input_ids}, {@code attention_mask} and, only if the graph declares it, {@code token_type_ids}, each
 * {@code long[batch, seq]}; output {@code logits float[batch, 1]} (one relevance logit per pair).
 *
 * <p>Thread-safe: {@link OrtSession#run} may be called concurrently; every tensor and result is closed before
 * {@link #logits} returns.
 */
public final class CrossEncoderSession implements AutoCloseable {

    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String LOGITS = "logits";

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final boolean takesTokenTypes;
    private final long padId;

    private CrossEncoderSession(OrtEnvironment environment, OrtSession session, boolean takesTokenTypes,
            long padId) {
        this.environment = environment;
        this.session = session;
        this.takesTokenTypes = takesTokenTypes;
        this.padId = padId;
    }

    /**
     * Opens a session: {@code intraOpThreads} threads inside an operator, one inter-op thread, all optimisations.
     *
     * @param padId the vocabulary's padding id (0 for BERT's {@code [PAD]}, 1 for XLM-RoBERTa's {@code <pad>});
     *     padded positions are masked out, so it matters only for graphs that look at it
     * @throws ModelLoadException if the file cannot be loaded or lacks {@code input_ids}/{@code attention_mask}
     */
    public static CrossEncoderSession open(Path onnx, int intraOpThreads, long padId) {
        Objects.requireNonNull(onnx, "onnx");
        OrtEnvironment environment = OnnxSessions.environment();
        OrtSession session = null;
        try {
            session = OnnxSessions.open(onnx, intraOpThreads);
            Set<String> inputs = session.getInputNames();
            if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)) {
                throw new ModelLoadException(onnx + " is not a sequence-classification graph: inputs " + inputs
                        + ", need " + INPUT_IDS + " and " + ATTENTION_MASK);
            }
            return new CrossEncoderSession(environment, session, inputs.contains(TOKEN_TYPE_IDS), padId);
        } catch (OrtException e) {
            ModelLoadException failure =
                    new ModelLoadException("ONNX Runtime cannot load " + onnx + ": " + e.getMessage(), e);
            OnnxSessions.closeAfterFailure(session, failure);
            throw failure;
        } catch (RuntimeException e) {
            OnnxSessions.closeAfterFailure(session, e);
            throw e;
        }
    }

    /** @return true if the graph takes {@code token_type_ids} (BERT does, XLM-RoBERTa does not) */
    public boolean takesTokenTypes() {
        return takesTokenTypes;
    }

    /**
     * Scores one batch, padded on the right to its longest pair.
     *
     * @param batch pairs, non-empty
     * @return {@code float[batch]}: the first logit of each pair, in batch order
     * @throws EmbeddingException if ONNX Runtime fails or the output is not {@code float[batch, n >= 1]}
     */
    public float[] logits(List<EncodedPair> batch) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        OnnxSessions.PaddedBatch padded = OnnxSessions.pad(batch.stream().map(EncodedPair::ids).toList(),
                batch.stream().map(EncodedPair::typeIds).toList(), padId);
        int size = padded.size();
        try {
            try (OrtSession.Result result = OnnxSessions.run(session, padded, takesTokenTypes)) {
                Optional<OnnxValue> named = result.get(LOGITS);
                Object value = (named.isPresent() ? named.get() : result.get(0)).getValue();
                if (!(value instanceof float[][] rows) || rows.length != size || rows[0].length < 1) {
                    throw new EmbeddingException("expected logits float[" + size + ", 1], got "
                            + value.getClass().getSimpleName(), null);
                }
                float[] out = new float[size];
                for (int b = 0; b < size; b++) {
                    out[b] = rows[b][0];
                }
                return out;
            }
        } catch (OrtException e) {
            throw new EmbeddingException("ONNX Runtime failed on a batch of " + size + " x " + padded.seq()
                    + " tokens: " + e.getMessage(), e);
        }
    }

    /** Releases the native session; call once no {@link #logits} is in flight. */
    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new EmbeddingException("ONNX Runtime failed to close the session: " + e.getMessage(), e);
        }
    }
}
