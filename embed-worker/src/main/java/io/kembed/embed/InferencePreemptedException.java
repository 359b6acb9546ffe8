package io.kembed.embed;

/**
 * An ONNX Runtime run was stopped on purpose (through an {@link io.kembed.embed.onnx.RunInterrupter}) so that
 * interactive work could have the cores; the same batch is run again. Retriable by definition, unlike
 * {@link EmbeddingException}. {@link BiEncoder} catches it and re-runs the batch; it never reaches its callers.
 */
public class InferencePreemptedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InferencePreemptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
