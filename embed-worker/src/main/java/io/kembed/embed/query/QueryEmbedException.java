package io.kembed.embed.query;

/** The server answered with a typed error. */
public class QueryEmbedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final QueryEmbedErrorCode code;

    public QueryEmbedException(QueryEmbedErrorCode code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public QueryEmbedErrorCode code() {
        return code;
    }
}
