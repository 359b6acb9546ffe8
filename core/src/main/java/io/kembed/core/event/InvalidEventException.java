package io.kembed.core.event;

/**
 * A record that can never be processed, whatever the retry: bad JSON, unknown schema, a missing or mistyped
 * field, text over the byte limit. Such records go to the dead-letter topic with {@link #reason()} in a header.
 */
public class InvalidEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a record was rejected; the value of the {@code kembed.dlq.reason} header. */
    public enum Reason {
        BAD_JSON,
        UNKNOWN_SCHEMA,
        MISSING_FIELD,
        WRONG_TYPE,
        INVALID_VALUE,
        TEXT_TOO_LARGE,
        BAD_KEY,
        KEY_MISMATCH
    }

    private final Reason reason;

    public InvalidEventException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public InvalidEventException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
