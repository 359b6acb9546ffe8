package io.kembed.rerank.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.kembed.embed.EmbeddingException;
import io.kembed.embed.model.ModelLoadException;
import io.kembed.embed.onnx.OnnxSessions;
import io.kembed.rerank.plan.EncodedPair;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * For benchmarks: ONNX Runtime alone on one already tokenised batch, the limit a cross-encoder's scoring can
 * approach. The input tensors ({@code long[batch, seq]}) are built once at {@link #open}; {@link #run()} is one
 * {@code OrtSession.run} plus reading {@code logits float[batch, 1]}, nothing else. Same session settings as
 * {@link CrossEncoderSession}. Not thread-safe; close it.
 */
public final class RawCrossEncoderRun implements AutoCloseable {

    private final OrtSession session;
    private final Map<String, OnnxTensor> inputs;
    private final int size;

    private RawCrossEncoderRun(OrtSession session, Map<String, OnnxTensor> inputs, int size) {
        this.session = session;
        this.inputs = inputs;
        this.size = size;
    }

    /**
     * @param batch the pairs, padded here on the right to the longest with {@code padId}
     * @throws ModelLoadException if ONNX Runtime cannot load the graph or build the tensors
     */
    public static RawCrossEncoderRun open(Path onnx, int intraOpThreads, long padId, List<EncodedPair> batch) {
        OnnxSessions.PaddedBatch padded = OnnxSessions.pad(batch.stream().map(EncodedPair::ids).toList(),
                batch.stream().map(EncodedPair::typeIds).toList(), padId);
        OrtSession session = null;
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            session = OnnxSessions.open(onnx, intraOpThreads);
            long[] shape = {padded.size(), padded.seq()};
            var env = OnnxSessions.environment();
            inputs.put(OnnxSessions.INPUT_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(padded.ids()), shape));
            inputs.put(OnnxSessions.ATTENTION_MASK,
                    OnnxTensor.createTensor(env, LongBuffer.wrap(padded.mask()), shape));
            if (session.getInputNames().contains(OnnxSessions.TOKEN_TYPE_IDS)) {
                inputs.put(OnnxSessions.TOKEN_TYPE_IDS,
                        OnnxTensor.createTensor(env, LongBuffer.wrap(padded.typeIds()), shape));
            }
            return new RawCrossEncoderRun(session, inputs, padded.size());
        } catch (OrtException e) {
            ModelLoadException failure = new ModelLoadException("ONNX Runtime cannot load " + onnx + ": "
                    + e.getMessage(), e);
            inputs.values().forEach(OnnxTensor::close);
            OnnxSessions.closeAfterFailure(session, failure);
            throw failure;
        }
    }

    /**
     * @return {@code float[batch]}: each pair's first logit
     * @throws EmbeddingException if ONNX Runtime fails
     */
    public float[] run() {
        try (OrtSession.Result result = session.run(inputs)) {
            Optional<OnnxValue> named = result.get(CrossEncoderSession.LOGITS);
            float[][] rows = (float[][]) (named.isPresent() ? named.get() : result.get(0)).getValue();
            float[] out = new float[size];
            for (int b = 0; b < size; b++) {
                out[b] = rows[b][0];
            }
            return out;
        } catch (OrtException e) {
            throw new EmbeddingException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        inputs.values().forEach(OnnxTensor::close);
        try {
            session.close();
        } catch (OrtException e) {
            throw new EmbeddingException("ONNX Runtime failed to close the session: " + e.getMessage(), e);
        }
    }
}
