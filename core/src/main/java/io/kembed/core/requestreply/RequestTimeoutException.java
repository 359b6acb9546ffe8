package io.kembed.core.requestreply;

import java.time.Duration;

/** No reply arrived before the request's timeout; the reply, if it still comes, is counted as late. */
public class RequestTimeoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String correlationId;
    private final Duration timeout;

    public RequestTimeoutException(String correlationId, Duration timeout) {
        super("no reply to request " + correlationId + " within " + timeout.toMillis() + " ms");
        this.correlationId = correlationId;
        this.timeout = timeout;
    }

    public String correlationId() {
        return correlationId;
    }

    public Duration timeout() {
        return timeout;
    }
}
