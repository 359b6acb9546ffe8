package io.kembed.producer.imports;

import java.util.Objects;

/** A row that cannot be turned into an event with the given {@link FieldMapping}; the row is rejected. */
public class RowMappingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a row was rejected; written as the {@code reason} of its line in the rejects file. */
    public enum Reason {
        /** Not well-formed UTF-8 JSON, or more than one value on the line. */
        BAD_JSON,
        /** Valid JSON, but not an object. */
        NOT_AN_OBJECT,
        /** The id field is absent, null or blank. */
        MISSING_ID,
        /** The tenant field is absent, null or blank. */
        MISSING_TENANT,
        /** The version field is absent (with no default), not an integer, or negative. */
        BAD_VERSION,
        /** A source field holds a JSON object where text or a list of text was expected. */
        WRONG_TYPE,
        /** The line is longer than {@link ImportOptions#maxLineBytes()}. */
        LINE_TOO_LONG
    }

    private final Reason reason;

    public RowMappingException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public RowMappingException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
