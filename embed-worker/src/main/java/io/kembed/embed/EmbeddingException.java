package io.kembed.embed;

/**
 * Inference failed inside ONNX Runtime (for example out of memory, or a graph that rejects its inputs). Not
 * retriable with the same input and model: treat it as fatal for the record, or for the worker if it repeats.
 */
public class EmbeddingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
