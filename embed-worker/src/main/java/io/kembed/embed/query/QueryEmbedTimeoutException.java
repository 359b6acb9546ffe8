package io.kembed.embed.query;

import java.time.Duration;

/**
 * No query-embedding reply within the timeout: no server running, a server restart (requests in flight are not
 * answered), or a backlog that outlasted the request's deadline (the server drops it, counted as expired).
 */
public class QueryEmbedTimeoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    public QueryEmbedTimeoutException(Duration timeout, Throwable cause) {
        super("no query-embedding reply within " + timeout.toMillis() + " ms", cause);
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }
}
