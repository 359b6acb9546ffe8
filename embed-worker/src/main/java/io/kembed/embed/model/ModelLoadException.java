package io.kembed.embed.model;

/**
 * A model could not be made ready: no source delivered its files, a checksum did not match its pin, or ONNX Runtime
 * or the tokenizer rejected the files. Fatal for the component that needs the model; the message says what failed
 * where.
 */
public class ModelLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
