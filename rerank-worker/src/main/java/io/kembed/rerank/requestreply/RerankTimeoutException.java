package io.kembed.rerank.requestreply;

import java.time.Duration;

/** No rerank reply within the timeout (no worker, a restart, or an overloaded worker that dropped it). */
public class RerankTimeoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RerankTimeoutException(Duration timeout, Throwable cause) {
        super("no rerank reply within " + timeout.toMillis() + " ms", cause);
    }
}
