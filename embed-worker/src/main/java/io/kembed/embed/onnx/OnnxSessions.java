package io.kembed.embed.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How kembed opens ONNX Runtime sessions, for the bi-encoder here and the cross-encoder in rerank-worker: one
 * process-wide environment, {@code intraOpThreads} threads inside an operator, one inter-op thread (sequential
 * execution never runs operators side by side), all graph optimisations.
 */
public final class OnnxSessions {

    private OnnxSessions() {
    }

    /** The process-wide ONNX Runtime environment. */
    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /**
     * @param intraOpThreads threads inside one operator, {@code >= 1}
     * @throws IllegalArgumentException if {@code intraOpThreads < 1}
     * @throws OrtException if ONNX Runtime cannot load the file
     */
    public static OrtSession open(Path onnx, int intraOpThreads) throws OrtException {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return environment().createSession(onnx.toString(), options);
        }
    }

    /** Closes a session whose set-up failed, keeping {@code failure} as the error to report. */
    public static void closeAfterFailure(OrtSession session, Exception failure) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** BERT-style graph input names. */
    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";

    /**
     * A batch padded on the right to its longest sequence, flattened row by row.
     *
     * @param ids token ids, {@code long[batch * seq]}, padding = the vocabulary's pad id
     * @param typeIds segment ids, {@code long[batch * seq]}, padding 0
     * @param mask attention mask, {@code long[batch * seq]}: 1 for tokens, 0 for padding
     * @param size batch size
     * @param seq padded sequence length, tokens
     */
    public record PaddedBatch(long[] ids, long[] typeIds, long[] mask, int size, int seq) {

        /** The mask as {@code long[batch][seq]}, for pooling. */
        public long[][] maskRows() {
            long[][] rows = new long[size][];
            for (int b = 0; b < size; b++) {
                rows[b] = Arrays.copyOfRange(mask, b * seq, (b + 1) * seq);
            }
            return rows;
        }
    }

    /**
     * Pads sequences of token ids and segment ids (same lengths, pairwise) to the longest one.
     *
     * @param padId the vocabulary's padding id (0 for BERT's {@code [PAD]}, 1 for XLM-RoBERTa's {@code <pad>})
     * @throws IllegalArgumentException for an empty batch
     */
    public static PaddedBatch pad(List<long[]> ids, List<long[]> typeIds, long padId) {
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        int size = ids.size();
        int seq = 0;
        for (long[] row : ids) {
            seq = Math.max(seq, row.length);
        }
        long[] flatIds = new long[size * seq];
        long[] flatTypes = new long[size * seq];
        long[] mask = new long[size * seq];
        if (padId != 0) {
            Arrays.fill(flatIds, padId);
        }
        for (int b = 0; b < size; b++) {
            long[] row = ids.get(b);
            int offset = b * seq;
            System.arraycopy(row, 0, flatIds, offset, row.length);
            System.arraycopy(typeIds.get(b), 0, flatTypes, offset, row.length);
            Arrays.fill(mask, offset, offset + row.length, 1L);
        }
        return new PaddedBatch(flatIds, flatTypes, mask, size, seq);
    }

    /**
     * Runs a BERT-style graph on a padded batch; the input tensors are closed before returning.
     *
     * @param withTokenTypes whether the graph takes {@code token_type_ids}
     * @return the result, to be closed by the caller
     * @throws OrtException if ONNX Runtime fails
     */
    public static OrtSession.Result run(OrtSession session, PaddedBatch batch, boolean withTokenTypes)
            throws OrtException {
        return run(session, batch, withTokenTypes, null);
    }

    /**
     * {@link #run(OrtSession, PaddedBatch, boolean)} with run options (for example a terminate flag another thread
     * may set while the run is in progress).
     *
     * @param runOptions null for the defaults
     */
    public static OrtSession.Result run(OrtSession session, PaddedBatch batch, boolean withTokenTypes,
            OrtSession.RunOptions runOptions) throws OrtException {
        OrtEnvironment env = environment();
        long[] shape = {batch.size(), batch.seq()};
        try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.ids()), shape);
                OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.mask()), shape);
                OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.typeIds()), shape)) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put(INPUT_IDS, ids);
            inputs.put(ATTENTION_MASK, mask);
            if (withTokenTypes) {
                inputs.put(TOKEN_TYPE_IDS, types);
            }
            return runOptions == null ? session.run(inputs) : session.run(inputs, runOptions);
        }
    }
}
