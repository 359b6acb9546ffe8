package io.kembed.sink.qdrant;

import static io.qdrant.client.ConditionFactory.match;
import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.ConditionFactory.range;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorsFactory.vectors;

import io.kembed.core.event.EntityKey;
import io.kembed.core.event.EntityType;
import io.kembed.core.store.PointIds;
import io.kembed.core.store.SearchHit;
import io.kembed.core.store.VectorPoint;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.Range;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScoredPoint;
import java.util.Map;

/**
 * How a {@link VectorPoint} is laid out as a Qdrant point, and the filters over that layout. Pure functions.
 *
 * <p>Payload: {@code tenant}, {@code entity_type} ({@code contact}, {@code document}), {@code entity_id},
 * {@code chunk} (integer), {@code version} (integer), {@code model_id}, {@code title}, {@code snippet}. The point
 * id is the UUIDv5 from {@code PointIds}, so a redelivered point overwrites itself.
 *
 * <p>A deleted entity keeps one <em>delete marker</em> point: id {@code PointIds.marker(entity)}, the unit vector
 * {@code [1, 0, ..., 0]} (Qdrant stores no point without a vector), payload {@code tenant}, {@code entity_type},
 * {@code entity_id}, {@code chunk = -1}, {@code version} of the delete and {@code deleted = true}. Every search and
 * count filter excludes it with {@code must_not: deleted = true}.
 */
final class QdrantPoints {

    static final String TENANT = "tenant";
    static final String ENTITY_TYPE = "entity_type";
    static final String ENTITY_ID = "entity_id";
    static final String CHUNK = "chunk";
    static final String VERSION = "version";
    static final String MODEL_ID = "model_id";
    /** The revision of the model's weights ({@code VectorPoint.modelRevision()}); payload only, not indexed. */
    static final String MODEL_REVISION = "model_revision";
    static final String TITLE = "title";
    static final String SNIPPET = "snippet";
    /** Payload flag of a delete marker; absent on points. */
    static final String DELETED = "deleted";

    private QdrantPoints() {
    }

    static PointStruct toPoint(VectorPoint p) {
        EntityKey e = p.entity();
        return PointStruct.newBuilder()
                .setId(id(p.id()))
                .setVectors(vectors(p.vector()))
                .putAllPayload(Map.of(
                        TENANT, value(e.tenantId()),
                        ENTITY_TYPE, value(e.type().wire()),
                        ENTITY_ID, value(e.id()),
                        CHUNK, value(p.chunk()),
                        VERSION, value(p.version()),
                        MODEL_ID, value(p.modelId()),
                        MODEL_REVISION, value(p.modelRevision()),
                        TITLE, value(p.title()),
                        SNIPPET, value(p.snippet())))
                .build();
    }

    /**
     * The delete marker of {@code e} at {@code version}.
     *
     * @param dims the collection's vector size
     */
    static PointStruct toMarker(EntityKey e, long version, int dims) {
        float[] unit = new float[dims];
        unit[0] = 1f; // any non-zero vector: Cosine cannot normalise a zero one, and no search ever sees it
        return PointStruct.newBuilder()
                .setId(id(PointIds.marker(e)))
                .setVectors(vectors(unit))
                .putAllPayload(Map.of(
                        TENANT, value(e.tenantId()),
                        ENTITY_TYPE, value(e.type().wire()),
                        ENTITY_ID, value(e.id()),
                        CHUNK, value(PointIds.MARKER_CHUNK),
                        VERSION, value(version),
                        DELETED, value(true)))
                .build();
    }

    /** Every point of {@code tenantId}, or of every tenant when it is null; never a delete marker. */
    /** Points (not markers) of every tenant made by another model than {@code modelId}. */
    static Filter otherModels(String modelId) {
        return Filter.newBuilder().addMustNot(match(DELETED, true)).addMustNot(matchKeyword(MODEL_ID, modelId))
                .build();
    }

    static Filter tenant(String tenantId) {
        Filter.Builder f = Filter.newBuilder().addMustNot(match(DELETED, true));
        if (tenantId != null) {
            f.addMust(matchKeyword(TENANT, tenantId));
        }
        return f.build();
    }

    /**
     * Reads the {@code version} payload of a retrieved point.
     *
     * @throws IllegalStateException if it has none: the point was not written by kembed
     */
    static long version(RetrievedPoint p, String collection) {
        Value v = p.getPayloadMap().get(VERSION);
        if (v == null || !v.hasIntegerValue()) {
            throw new IllegalStateException("point " + p.getId().getUuid() + " in Qdrant collection '" + collection
                    + "' has no version payload of the right type: it was not written by kembed");
        }
        return v.getIntegerValue();
    }

    /** The chunks {@code >= fromChunk} of {@code entity}. */
    static Filter entityChunksFrom(EntityKey entity, int fromChunk) {
        return Filter.newBuilder()
                .addMust(matchKeyword(TENANT, entity.tenantId()))
                .addMust(matchKeyword(ENTITY_TYPE, entity.type().wire()))
                .addMust(matchKeyword(ENTITY_ID, entity.id()))
                .addMust(range(CHUNK, Range.newBuilder().setGte(fromChunk).build()))
                .build();
    }

    /**
     * @param collection for the message if the payload is not kembed's
     * @throws IllegalStateException if the point lacks a kembed payload field
     */
    static SearchHit toHit(ScoredPoint p, String collection) {
        Map<String, Value> payload = p.getPayloadMap();
        EntityKey entity = new EntityKey(string(payload, TENANT, p, collection),
                EntityType.fromWire(string(payload, ENTITY_TYPE, p, collection)),
                string(payload, ENTITY_ID, p, collection));
        // Qdrant's Cosine score is the dot product of normalised vectors; clamp float rounding past +-1.
        float score = Math.max(-1f, Math.min(1f, p.getScore()));
        return new SearchHit(entity, (int) integer(payload, CHUNK, p, collection), score,
                integer(payload, VERSION, p, collection), string(payload, MODEL_ID, p, collection),
                optionalString(payload, TITLE), optionalString(payload, SNIPPET));
    }

    private static String string(Map<String, Value> payload, String key, ScoredPoint p, String collection) {
        Value v = payload.get(key);
        if (v == null || !v.hasStringValue()) {
            throw notKembed(key, p, collection);
        }
        return v.getStringValue();
    }

    private static long integer(Map<String, Value> payload, String key, ScoredPoint p, String collection) {
        Value v = payload.get(key);
        if (v == null || !v.hasIntegerValue()) {
            throw notKembed(key, p, collection);
        }
        return v.getIntegerValue();
    }

    private static String optionalString(Map<String, Value> payload, String key) {
        Value v = payload.get(key);
        return v != null && v.hasStringValue() ? v.getStringValue() : "";
    }

    private static IllegalStateException notKembed(String key, ScoredPoint p, String collection) {
        return new IllegalStateException("point " + p.getId().getUuid() + " in Qdrant collection '" + collection
                + "' has no " + key + " payload of the right type: it was not written by kembed");
    }
}
