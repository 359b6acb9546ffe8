package io.kembed.embed.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.kembed.core.model.Pooling;
import io.kembed.embed.EmbeddingException;
import io.kembed.embed.InferencePreemptedException;
import io.kembed.embed.batch.TokenPooling;
import io.kembed.embed.model.ModelLoadException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An ONNX Runtime session over a BERT-style encoder graph: inputs {@code input_ids}, {@code attention_mask} and
 * (if the graph declares it) {@code token_type_ids}, each {@code long[batch, seq]}; output
 * {@code last_hidden_state float[batch, seq, dims]}. Runs one padded batch at a time and returns pooled,
 * L2-normalised vectors.
 *
 * <p>Thread-safe: {@link OrtSession#run} may be called concurrently; each call allocates its own tensors. Every
 * tensor and result is closed before {@link #encode} returns.
 */
public final class OnnxEncoder implements AutoCloseable {

    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String LAST_HIDDEN_STATE = "last_hidden_state";

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final boolean takesTokenTypes;
    private final int dims;

    private OnnxEncoder(OrtEnvironment environment, OrtSession session, boolean takesTokenTypes, int dims) {
        this.environment = environment;
        this.session = session;
        this.takesTokenTypes = takesTokenTypes;
        this.dims = dims;
    }

    /**
     * Opens a session with intra-op parallelism {@code intraOpThreads}, one inter-op thread, sequential execution
     * and all graph optimisations.
     *
     * @param onnx the model file
     * @param intraOpThreads threads ONNX Runtime uses inside one operator, {@code >= 1}
     * @return an open encoder
     * @throws ModelLoadException if the file cannot be loaded or its inputs/outputs are not those of a BERT encoder
     */
    public static OnnxEncoder open(Path onnx, int intraOpThreads) {
        Objects.requireNonNull(onnx, "onnx");
        OrtEnvironment environment = OnnxSessions.environment();
        OrtSession session = null;
        try {
            session = OnnxSessions.open(onnx, intraOpThreads);

            Set<String> inputs = session.getInputNames();
            if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)) {
                throw new ModelLoadException(onnx + " is not a BERT encoder: inputs " + inputs + ", need "
                        + INPUT_IDS + " and " + ATTENTION_MASK);
            }
            int dims = hiddenDims(session.getOutputInfo(), onnx);
            return new OnnxEncoder(environment, session, inputs.contains(TOKEN_TYPE_IDS), dims);
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

    private static int hiddenDims(Map<String, NodeInfo> outputs, Path onnx) {
        NodeInfo out = outputs.containsKey(LAST_HIDDEN_STATE) ? outputs.get(LAST_HIDDEN_STATE)
                : outputs.values().iterator().next();
        if (out.getInfo() instanceof TensorInfo info && info.getShape().length == 3
                && info.type == OnnxJavaType.FLOAT) {
            return (int) info.getShape()[2]; // -1 if the graph leaves it symbolic
        }
        throw new ModelLoadException(onnx + ": output " + out.getName() + " is not float[batch, seq, dims]: "
                + out.getInfo());
    }

    /** @return output dimensions declared by the graph, or -1 if symbolic */
    public int dims() {
        return dims;
    }

    /**
     * Runs one batch, padded on the right to its longest sequence, then pools and L2-normalises.
     *
     * @param batch encoded texts, non-empty, each at least one token
     * @param pooling how token vectors become a text vector
     * @return {@code float[batch][dims]}, unit length (unless a vector is all zeros), in batch order
     * @throws EmbeddingException if ONNX Runtime fails
     */
    public float[][] encode(List<EncodedText> batch, Pooling pooling) {
        return encode(batch, pooling, RunInterrupter.NONE);
    }

    /**
     * {@link #encode(List, Pooling)} as a run that {@code interrupter} may stop from another thread.
     *
     * @throws InferencePreemptedException if the run was stopped through {@code interrupter}; nothing was computed
     * @throws EmbeddingException if ONNX Runtime fails otherwise
     */
    public float[][] encode(List<EncodedText> batch, Pooling pooling, RunInterrupter interrupter) {
        Objects.requireNonNull(interrupter, "interrupter");
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        OnnxSessions.PaddedBatch padded = OnnxSessions.pad(batch.stream().map(EncodedText::ids).toList(),
                batch.stream().map(EncodedText::typeIds).toList(), 0L); // [PAD] is id 0 in BERT vocabularies
        try {
            float[][][] hidden;
            try (OrtSession.RunOptions runOptions = new OrtSession.RunOptions()) {
                AtomicBoolean stopped = new AtomicBoolean();
                interrupter.started(() -> stop(runOptions, stopped));
                OrtSession.Result result;
                try {
                    result = OnnxSessions.run(session, padded, takesTokenTypes, runOptions);
                } catch (OrtException e) {
                    if (stopped.get()) {
                        throw new InferencePreemptedException("run of " + padded.size() + " x " + padded.seq()
                                + " tokens stopped for interactive work", e);
                    }
                    throw e;
                } finally {
                    interrupter.ended();
                }
                try (result) {
                    Optional<OnnxValue> named = result.get(LAST_HIDDEN_STATE);
                    OnnxValue value = named.isPresent() ? named.get() : result.get(0);
                    hidden = (float[][][]) value.getValue();
                }
            }
            float[][] vectors = TokenPooling.pool(pooling, hidden, padded.maskRows());
            for (float[] v : vectors) {
                TokenPooling.l2Normalize(v);
            }
            return vectors;
        } catch (OrtException e) {
            throw new EmbeddingException("ONNX Runtime failed on a batch of " + padded.size() + " x " + padded.seq()
                    + " tokens: "
                    + e.getMessage(), e);
        }
    }

    private static void stop(OrtSession.RunOptions runOptions, AtomicBoolean stopped) {
        stopped.set(true);
        try {
            runOptions.setTerminate(true);
        } catch (OrtException e) {
            throw new EmbeddingException("ONNX Runtime cannot set the terminate flag: " + e.getMessage(), e);
        }
    }

    /**
     * Releases the native session. Call once no {@link #encode} is in flight.
     *
     * @throws EmbeddingException if ONNX Runtime reports an error while releasing
     */
    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new EmbeddingException("ONNX Runtime failed to close the session: " + e.getMessage(), e);
        }
    }
}
