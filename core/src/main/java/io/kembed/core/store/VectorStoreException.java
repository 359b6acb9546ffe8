package io.kembed.core.store;

/** A backend failure (unreachable, timeout, I/O): retriable, unlike a bad record. */
public class VectorStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public VectorStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public VectorStoreException(String message) {
        super(message);
    }
}
