package io.kembed.producer.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.producer.imports.InputFiles.Input;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {

    private static final String CONTENT = "{\"id\":1}\n{\"id\":2}\n";

    @Test
    void gzip_isDetectedByMagicBytes_evenWithoutGzExtension(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("rows.jsonl");
        Files.write(file, gzip(CONTENT));

        try (Input in = InputFiles.open(file)) {
            assertThat(in.isGzip()).isTrue();
            assertThat(new String(in.content().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(CONTENT);
            assertThat(in.bytesRead()).isEqualTo(Files.size(file));
        }
    }

    @Test
    void plainFile_namedGz_isReadAsPlain(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("rows.jsonl.gz");
        Files.writeString(file, CONTENT);

        try (Input in = InputFiles.open(file)) {
            assertThat(in.isGzip()).isFalse();
            assertThat(new String(in.content().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(CONTENT);
        }
    }

    @Test
    void concatenatedGzipMembers_areReadAsOneStream(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("cat.gz");
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(gzip("{\"id\":1}\n"));
        both.write(gzip("{\"id\":2}\n"));
        Files.write(file, both.toByteArray());

        assertThat(InputFiles.countLines(file)).isEqualTo(2);
    }

    @Test
    void truncatedGzip_failsWithIOException(@TempDir Path dir) throws IOException {
        byte[] whole = gzip(CONTENT.repeat(100));
        Path file = dir.resolve("cut.gz");
        Files.write(file, Arrays.copyOf(whole, whole.length / 2));

        assertThatThrownBy(() -> InputFiles.countLines(file)).isInstanceOf(EOFException.class);
    }

    @Test
    void countLines_countsALastLineWithoutNewline(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("a.jsonl");
        Files.writeString(file, "a\nb\n\nc");
        Path empty = dir.resolve("empty.jsonl");
        Files.writeString(empty, "");

        assertThat(InputFiles.countLines(file)).isEqualTo(4);
        assertThat(InputFiles.countLines(empty)).isZero();
    }

    static byte[] gzip(String s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
