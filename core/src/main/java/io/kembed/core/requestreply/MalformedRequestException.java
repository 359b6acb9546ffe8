package io.kembed.core.requestreply;

/** A request record whose headers cannot be read; it can never be answered, so the server logs and counts it. */
public final class MalformedRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MalformedRequestException(String message) {
        super(message);
    }
}
