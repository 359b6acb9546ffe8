package io.kembed.producer.imports;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Splits a byte stream into lines ({@code \n} or {@code \r\n}) without decoding them, holding at most
 * {@code maxLineBytes} of any one line in memory. A UTF-8 byte-order mark at the very start is dropped. Not
 * thread-safe.
 */
final class LineReader {

    private static final int CHUNK_BYTES = 64 * 1024;
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] chunk = new byte[CHUNK_BYTES];
    private int pos;
    private int limit;
    private boolean eof;
    private long lineNumber;
    private byte[] line = new byte[1024];

    /**
     * One line.
     *
     * @param number 1-based line number in the decompressed input
     * @param bytes the line without its terminator; only the first {@code maxLineBytes} if {@code tooLong}
     * @param length the full length of the line in bytes
     * @param tooLong whether the line was longer than {@code maxLineBytes}
     */
    record Line(long number, byte[] bytes, long length, boolean tooLong) {

        boolean isBlank() {
            for (byte b : bytes) {
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return !tooLong;
        }
    }

    LineReader(InputStream in, int maxLineBytes) {
        this.in = Objects.requireNonNull(in, "in");
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be >= 1, got " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * @return the next line, or null at the end of the input
     * @throws IOException if reading fails (for gzip input, also a truncated or corrupt stream)
     */
    Line next() throws IOException {
        int kept = 0;
        long length = 0;
        boolean sawAny = false;
        while (true) {
            if (pos == limit) {
                if (!fill()) {
                    if (!sawAny) {
                        return null;
                    }
                    break;
                }
            }
            sawAny = true;
            int start = pos;
            int nl = -1;
            for (int i = pos; i < limit; i++) {
                if (chunk[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            int end = nl < 0 ? limit : nl;
            int n = end - start;
            int room = maxLineBytes - kept;
            int copy = Math.min(n, room);
            if (copy > 0) {
                ensureCapacity(kept + copy);
                System.arraycopy(chunk, start, line, kept, copy);
                kept += copy;
            }
            length += n;
            pos = nl < 0 ? limit : nl + 1;
            if (nl >= 0) {
                break;
            }
        }
        lineNumber++;
        boolean tooLong = length > maxLineBytes;
        if (!tooLong && kept > 0 && line[kept - 1] == '\r') {
            kept--;
            length--;
        }
        int from = 0;
        if (lineNumber == 1 && kept >= 3 && line[0] == UTF8_BOM[0] && line[1] == UTF8_BOM[1]
                && line[2] == UTF8_BOM[2]) {
            from = 3;
        }
        return new Line(lineNumber, Arrays.copyOfRange(line, from, kept), length - from, tooLong);
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(chunk, 0, chunk.length);
        if (n <= 0) {
            eof = n < 0;
            pos = 0;
            limit = 0;
            return !eof && fill();
        }
        pos = 0;
        limit = n;
        return true;
    }

    private void ensureCapacity(int needed) {
        if (needed > line.length) {
            line = Arrays.copyOf(line, Math.max(needed, Math.min(maxLineBytes, line.length * 2)));
        }
    }
}
