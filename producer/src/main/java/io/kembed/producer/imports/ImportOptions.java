package io.kembed.producer.imports;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Options of one import.
 *
 * @param rejectsFile where lines that are not published go, as JSONL (one object per line: {@code line},
 *     {@code reason}, {@code message}, {@code original}); created or truncated when the import starts, so after a
 *     run it lists exactly that run's rejects
 * @param countLinesFirst read the input once before importing to count its lines, so progress has a total and an
 *     ETA; costs one extra decompression pass (about 0.1 s per 25 MB of JSONL), small next to publishing
 * @param maxLines stop after this many lines (for a quick demo); {@code Long.MAX_VALUE} for all
 * @param maxLineBytes longest line accepted, in bytes; a longer line is rejected as
 *     {@link RowMappingException.Reason#LINE_TOO_LONG} without being held in memory whole. Default 4 MiB, the
 *     change topics' {@code max.message.bytes}
 */
public record ImportOptions(Path rejectsFile, boolean countLinesFirst, long maxLines, int maxLineBytes) {

    public static final int DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;

    public ImportOptions {
        Objects.requireNonNull(rejectsFile, "rejectsFile");
        if (maxLines < 0) {
            throw new IllegalArgumentException("maxLines must be >= 0, got " + maxLines);
        }
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be >= 1, got " + maxLineBytes);
        }
    }

    /** Counting pass on, all lines, 4 MiB lines, rejects to {@code rejectsFile}. */
    public static ImportOptions defaults(Path rejectsFile) {
        return new ImportOptions(rejectsFile, true, Long.MAX_VALUE, DEFAULT_MAX_LINE_BYTES);
    }

    /** The default rejects file for {@code input}: {@code <input>.rejects.jsonl} next to it. */
    public static Path defaultRejectsFile(Path input) {
        return input.resolveSibling(input.getFileName() + ".rejects.jsonl");
    }

    public ImportOptions withMaxLines(long lines) {
        return new ImportOptions(rejectsFile, countLinesFirst, lines, maxLineBytes);
    }

    public ImportOptions withCountLinesFirst(boolean count) {
        return new ImportOptions(rejectsFile, count, maxLines, maxLineBytes);
    }

    public ImportOptions withMaxLineBytes(int bytes) {
        return new ImportOptions(rejectsFile, countLinesFirst, maxLines, bytes);
    }
}
