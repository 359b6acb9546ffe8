package io.kembed.embed.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;

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
}
