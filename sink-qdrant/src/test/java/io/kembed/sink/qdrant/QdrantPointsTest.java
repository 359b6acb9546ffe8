package io.kembed.sink.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.event.EntityKey;
import io.kembed.core.store.PointIds;
import io.kembed.core.store.SearchHit;
import io.kembed.core.store.VectorPoint;
import io.qdrant.client.grpc.Common.Condition;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.ScoredPoint;
import org.junit.jupiter.api.Test;

class QdrantPointsTest {

    private final EntityKey entity = EntityKey.document("acme/eu", "doc 1");
    private final VectorPoint point = new VectorPoint(entity, 2, 7, "bge", new float[] {0.6f, 0.8f}, "T", "S");

    @Test
    void point_carriesItsModelRevision() {
        VectorPoint revised = new VectorPoint(entity, 2, 7, "bge", new float[] {0.6f, 0.8f}, "T", "S", "rev-7");
        assertThat(QdrantPoints.toPoint(revised).getPayloadMap().get("model_revision").getStringValue())
                .isEqualTo("rev-7");
        assertThat(QdrantPoints.toPoint(point).getPayloadMap().get("model_revision").getStringValue()).isEmpty();
    }

    @Test
    void point_isIdentifiedByItsUuidV5_andCarriesTheKembedPayload() {
        PointStruct s = QdrantPoints.toPoint(point);

        assertThat(s.getId().getUuid()).isEqualTo(PointIds.of(entity, 2).toString());
        assertThat(s.getVectors().getVector().getDense().getDataList()).containsExactly(0.6f, 0.8f);
        assertThat(s.getPayloadMap().get("tenant").getStringValue()).isEqualTo("acme/eu");
        assertThat(s.getPayloadMap().get("entity_type").getStringValue()).isEqualTo("document");
        assertThat(s.getPayloadMap().get("entity_id").getStringValue()).isEqualTo("doc 1");
        assertThat(s.getPayloadMap().get("chunk").getIntegerValue()).isEqualTo(2);
        assertThat(s.getPayloadMap().get("version").getIntegerValue()).isEqualTo(7);
    }

    @Test
    void hit_readsBackWhatThePointWrote() {
        PointStruct s = QdrantPoints.toPoint(point);
        ScoredPoint scored = ScoredPoint.newBuilder().setId(s.getId()).putAllPayload(s.getPayloadMap())
                .setScore(1.0000002f).build();

        assertThat(QdrantPoints.toHit(scored, "c")).isEqualTo(new SearchHit(entity, 2, 1f, 7, "bge", "T", "S"));
    }

    @Test
    void hit_withoutKembedPayload_isRefused() {
        ScoredPoint foreign = ScoredPoint.newBuilder().setScore(0.5f).build();

        assertThatThrownBy(() -> QdrantPoints.toHit(foreign, "c")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not written by kembed");
    }

    @Test
    void entityFilter_matchesTenantTypeIdAndChunkRange() {
        Filter f = QdrantPoints.entityChunksFrom(entity, 3);

        assertThat(f.getMustList()).extracting(c -> c.getField().getKey())
                .containsExactly("tenant", "entity_type", "entity_id", "chunk");
        Condition chunk = f.getMust(3);
        assertThat(chunk.getField().getRange().getGte()).isEqualTo(3.0);
        assertThat(f.getShouldCount() + f.getMustNotCount()).isZero();
    }
}
