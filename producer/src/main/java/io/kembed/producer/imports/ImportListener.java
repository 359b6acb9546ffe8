package io.kembed.producer.imports;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Follows an import. Every method is called on the importing thread and should return quickly; each has an empty
 * default, so implement only what you need.
 */
public interface ImportListener {

    /** Ignores everything. */
    ImportListener NONE = new ImportListener() {
    };

    /**
     * Before the first line is read.
     *
     * @param totalLines lines the import will read, if {@link ImportOptions#countLinesFirst()} was set
     * @param inputBytes size of the input file in bytes (compressed size for gzip)
     */
    default void onStart(Path input, OptionalLong totalLines, long inputBytes) {
    }

    /**
     * Every ~{@value JsonlImporter#PROGRESS_INTERVAL_MS} ms, and once after the last line.
     *
     * @param done lines read so far, blank ones included
     * @param total as in {@link #onStart}
     * @param bytesRead input file bytes read so far (compressed bytes for gzip)
     */
    default void onProgress(long done, OptionalLong total, long bytesRead) {
    }

    /** A line that was not published, right after it is written to the rejects file. */
    default void onReject(Rejection rejection) {
    }

    /** After everything was sent and flushed, or the import stopped; {@code summary} is final. */
    default void onFinish(ImportSummary summary) {
    }
}
