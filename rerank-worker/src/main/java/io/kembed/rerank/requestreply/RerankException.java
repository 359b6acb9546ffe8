package io.kembed.rerank.requestreply;

/** The worker answered with a typed error. */
public class RerankException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final RerankErrorCode code;

    public RerankException(RerankErrorCode code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public RerankErrorCode code() {
        return code;
    }
}
