package io.kembed.core.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.event.EntityKey;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingRecordCodecTest {

    @Test
    void modelRevision_roundTrips_andDecodesEmptyFromRecordsWrittenBeforeIt() {
        EmbeddingRecord r = EmbeddingRecord.upsert(EntityKey.document("t", "d"), 4, "m", 2, null, "Title",
                List.of(new ChunkVector(0, 3, false, "s", new float[] {0.6f, 0.8f})), 0).withModelRevision("rev-7");
        assertThat(EmbeddingRecordCodec.decode(EmbeddingRecordCodec.encode(r)).modelRevision()).isEqualTo("rev-7");

        String old = new String(EmbeddingRecordCodec.encode(r), StandardCharsets.UTF_8)
                .replace(",\"modelRevision\":\"rev-7\"", "");
        assertThat(old).doesNotContain("modelRevision");
        assertThat(EmbeddingRecordCodec.decode(old.getBytes(StandardCharsets.UTF_8)).modelRevision()).isEmpty();
    }

    @Test
    void upsertRoundTrips_withExactFloats() {
        float[] v = {0.1f, -0.25f, Float.MIN_VALUE, 1e-8f};
        EmbeddingRecord r = EmbeddingRecord.upsert(EntityKey.document("t", "d"), 4, "m", 4,
                Instant.parse("2026-01-01T00:00:00Z"), "Title", List.of(new ChunkVector(0, 12, true, "snip", v)), 3);
        EmbeddingRecord back = EmbeddingRecordCodec.decode(EmbeddingRecordCodec.encode(r));
        assertThat(back.chunks().get(0).vector()).containsExactly(v);
        assertThat(back.version()).isEqualTo(4);
        assertThat(back.staleChunksFrom()).isEqualTo(1);
        assertThat(back.occurredAt()).isEqualTo(r.occurredAt());
    }

    @Test
    void deleteHasNoChunks_andNothingStale() {
        EmbeddingRecord d = EmbeddingRecord.delete(EntityKey.contact("t", "c"), 2, "m", 384, null);
        EmbeddingRecord back = EmbeddingRecordCodec.decode(EmbeddingRecordCodec.encode(d));
        assertThat(back.chunks()).isEmpty();
        assertThat(back.staleChunksFrom()).isEqualTo(-1);
    }

    @Test
    void dimsMismatch_andGarbage_areRejected() {
        assertThatThrownBy(() -> EmbeddingRecord.upsert(EntityKey.contact("t", "c"), 1, "m", 3, null, "",
                List.of(new ChunkVector(0, 1, false, "", new float[2])), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddingRecordCodec.decode("nope".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void cosine_andNorm() {
        assertThat(FloatVectors.cosine(new float[] {1, 0}, new float[] {0, 1})).isZero();
        assertThat(FloatVectors.cosine(new float[] {2, 0}, new float[] {1, 0})).isEqualTo(1.0);
        assertThat(FloatVectors.norm(new float[] {3, 4})).isEqualTo(5.0);
    }
}
