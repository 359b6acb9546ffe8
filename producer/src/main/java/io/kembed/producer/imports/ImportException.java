package io.kembed.producer.imports;

import java.util.Objects;

/**
 * The import stopped before the end of its input because Kafka failed in a way not tied to one record: the
 * broker stayed unreachable past {@code delivery.timeout.ms}, authorisation failed, the producer was fenced. The
 * lines read so far are accounted for in {@link #summary()}. Imports are safe to re-run: each entity's events are
 * keyed and versioned, so republishing replaces rather than duplicates.
 */
public class ImportException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient ImportSummary summary;

    public ImportException(String message, ImportSummary summary, Throwable cause) {
        super(message, cause);
        this.summary = Objects.requireNonNull(summary, "summary");
    }

    /** The counts up to the failure. */
    public ImportSummary summary() {
        return summary;
    }
}
