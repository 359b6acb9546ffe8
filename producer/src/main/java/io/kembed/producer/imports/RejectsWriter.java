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

/** Writes {@link Rejection}s as JSONL: {@code {"line":…,"reason":…,"message":…,"original":…}}. Not thread-safe. */
final class RejectsWriter implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final BufferedWriter out;

    private RejectsWriter(BufferedWriter out) {
        this.out = out;
    }

    /** Creates or truncates {@code file}, creating missing parent directories. */
    static RejectsWriter create(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return new RejectsWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
    }

    void write(Rejection r) throws IOException {
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
        out.close();
    }
}
