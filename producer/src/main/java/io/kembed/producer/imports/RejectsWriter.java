package io.kembed.producer.imports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes {@link Rejection}s as JSONL: {@code {"line":…,"reason":…,"message":…,"original":…}}. The file is created on
 * the first rejection only, so a clean import leaves nothing behind (and no stale file from an earlier run: it is
 * removed when the writer is created). Not thread-safe.
 */
final class RejectsWriter implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;
    private BufferedWriter out;

    private RejectsWriter(Path file) {
        this.file = file;
    }

    /** Removes an earlier run's {@code file}; the file is written (with missing parents) from the first rejection. */
    static RejectsWriter create(Path file) throws IOException {
        Files.deleteIfExists(file);
        return new RejectsWriter(file);
    }

    void write(Rejection r) throws IOException {
        if (out == null) {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        }
        out.write(toJson(r));
        out.write('\n');
    }

    /** One rejects-file line, without the terminator. */
    static String toJson(Rejection r) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("line", r.lineNumber());
        node.put("reason", r.reason());
        node.put("message", r.message());
        node.put("original", r.original());
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise a rejection of line " + r.lineNumber(), e);
        }
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
