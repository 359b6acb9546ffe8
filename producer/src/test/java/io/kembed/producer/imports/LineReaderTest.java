package io.kembed.producer.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.producer.imports.LineReader.Line;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    @Test
    void splitsOnLfAndCrlf_andReadsALastLineWithoutTerminator() throws IOException {
        List<Line> lines = readAll("a\r\nbb\n\nccc", 100);

        assertThat(lines).extracting(l -> text(l)).containsExactly("a", "bb", "", "ccc");
        assertThat(lines).extracting(Line::number).containsExactly(1L, 2L, 3L, 4L);
        assertThat(lines.get(2).isBlank()).isTrue();
        assertThat(lines.get(1).isBlank()).isFalse();
    }

    @Test
    void dropsALeadingByteOrderMark() throws IOException {
        assertThat(readAll("\uFEFF{}\n\uFEFF{}\n", 100)).extracting(l -> text(l)).containsExactly("{}", "\uFEFF{}");
    }

    @Test
    void longLine_isFlaggedAndTruncated_andTheNextLineIsIntact() throws IOException {
        List<Line> lines = readAll("x".repeat(200_000) + "\nshort\n", 1000);

        assertThat(lines.get(0).tooLong()).isTrue();
        assertThat(lines.get(0).bytes()).hasSize(1000);
        assertThat(lines.get(0).length()).isEqualTo(200_000);
        assertThat(lines.get(0).isBlank()).isFalse();
        assertThat(text(lines.get(1))).isEqualTo("short");
        assertThat(lines.get(1).tooLong()).isFalse();
    }

    @Test
    void linesSpanningReadChunks_areReassembled() throws IOException {
        String longLine = "y".repeat(150_000);
        // A stream that returns at most 7 bytes per read, like a slow pipe.
        InputStream trickle = new ByteArrayInputStream((longLine + "\nz").getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7));
            }
        };
        LineReader reader = new LineReader(trickle, 1 << 20);

        assertThat(text(reader.next())).isEqualTo(longLine);
        assertThat(text(reader.next())).isEqualTo("z");
        assertThat(reader.next()).isNull();
    }

    @Test
    void emptyInput_hasNoLines() throws IOException {
        assertThat(readAll("", 10)).isEmpty();
        assertThat(readAll("\n", 10)).hasSize(1);
    }

    private static List<Line> readAll(String s, int max) throws IOException {
        LineReader reader = new LineReader(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), max);
        List<Line> lines = new ArrayList<>();
        Line l;
        while ((l = reader.next()) != null) {
            lines.add(l);
        }
        return lines;
    }

    private static String text(Line l) {
        return new String(l.bytes(), StandardCharsets.UTF_8);
    }
}
