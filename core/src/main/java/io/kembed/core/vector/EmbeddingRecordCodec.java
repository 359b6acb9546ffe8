package io.kembed.core.vector;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kembed.core.event.ChangeEventCodec;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON for {@link EmbeddingRecord}s on the vectors topic. Thread-safe. */
public final class EmbeddingRecordCodec {

    private EmbeddingRecordCodec() {
    }

    public static byte[] encode(EmbeddingRecord record) {
        try {
            return ChangeEventCodec.mapper().writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise vectors of " + record.key(), e);
        }
    }

    /** @throws UncheckedIOException if {@code bytes} is not a {@code vectors.v1} record */
    public static EmbeddingRecord decode(byte[] bytes) {
        try {
            EmbeddingRecord r = ChangeEventCodec.mapper().readValue(bytes, EmbeddingRecord.class);
            if (!EmbeddingRecord.SCHEMA.equals(r.schema())) {
                throw new IOException("unknown vectors schema '" + r.schema() + "'");
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("not a " + EmbeddingRecord.SCHEMA + " record: " + e.getMessage(), e);
        }
    }
}
