package io.kembed.search;

/** The query could not be embedded, so there is nothing to search with. */
public class QueryEmbeddingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean timedOut;

    public QueryEmbeddingException(String message, boolean timedOut, Throwable cause) {
        super(message, cause);
        this.timedOut = timedOut;
    }

    /** @return true if the embedder did not answer within the timeout (retriable), false if it failed */
    public boolean timedOut() {
        return timedOut;
    }
}
