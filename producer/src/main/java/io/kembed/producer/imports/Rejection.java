package io.kembed.producer.imports;

import java.util.Objects;

/**
 * One input line that was not published.
 *
 * @param lineNumber 1-based line number in the (decompressed) input
 * @param reason a short code: a {@link RowMappingException.Reason} (the row could not be mapped), an
 *     {@link io.kembed.core.event.InvalidEventException.Reason} (the event failed validation), or
 *     {@link #RECORD_REJECTED} (the broker or client refused the record itself, for example as too large)
 * @param message what was wrong, for a human
 * @param original the line as read (decoded as UTF-8, malformed bytes replaced), at most
 *     {@link ImportOptions#maxLineBytes()} of it
 */
public record Rejection(long lineNumber, String reason, String message, String original) {

    /** The reason for a record the Kafka client or broker refused on its own ({@code RecordTooLargeException}...). */
    public static final String RECORD_REJECTED = "RECORD_REJECTED";

    public Rejection {
        Objects.requireNonNull(reason, "reason");
        message = message == null ? "" : message;
        Objects.requireNonNull(original, "original");
    }
}
