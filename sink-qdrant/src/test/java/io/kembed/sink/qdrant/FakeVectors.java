package io.kembed.sink.qdrant;

import io.grpc.Status;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.Query;
import io.qdrant.client.grpc.Points.Vector;
import io.qdrant.client.grpc.Points.VectorInput;
import io.qdrant.client.grpc.Points.WithPayloadSelector;
import io.qdrant.client.grpc.Points.WithVectorsSelector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** Request decoding shared by the fake's point RPCs: vectors, ids, payload and vector selectors. */
final class FakeVectors {

    private FakeVectors() {
    }

    /** A point as the fake stores it, with its id in Qdrant's canonical form. */
    static FakeCollection.StoredPoint toStored(PointStruct p) {
        String key = FakeCollection.key(p.getId());
        PointId id = p.getId().hasUuid()
                ? PointId.newBuilder().setUuid(UUID.fromString(p.getId().getUuid()).toString()).build()
                : p.getId();
        if (!p.hasVectors()) {
            throw Status.INVALID_ARGUMENT.withDescription("Wrong input: point " + key + " has no vector")
                    .asRuntimeException();
        }
        switch (p.getVectors().getVectorsOptionsCase()) {
            case VECTOR:
                return new FakeCollection.StoredPoint(id, key, dense(p.getVectors().getVector()), p.getPayloadMap());
            case VECTORS:
                throw Status.INVALID_ARGUMENT.withDescription("Wrong input: Not existing vector name error: "
                        + p.getVectors().getVectors().getVectorsMap().keySet()).asRuntimeException();
            default:
                throw Status.INVALID_ARGUMENT.withDescription("Wrong input: point " + key + " has no vector")
                        .asRuntimeException();
        }
    }

    /** The dense vector of a {@code nearest} query; other query kinds are not modelled. */
    static float[] nearestVector(Query query) {
        if (query == null || query.getVariantCase() != Query.VariantCase.NEAREST) {
            throw FakeFilters.unsupported("query other than nearest to a dense vector: "
                    + (query == null ? "none" : query.getVariantCase()));
        }
        VectorInput in = query.getNearest();
        if (in.getVariantCase() != VectorInput.VariantCase.DENSE) {
            throw FakeFilters.unsupported("nearest to " + in.getVariantCase());
        }
        return floats(in.getDense().getDataList());
    }

    static float[] floats(List<Float> values) {
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        return v;
    }

    /** Fails unless the request leaves vectors out of the results (returning them is not modelled). */
    static void checkNoVectorsOut(WithVectorsSelector selector) {
        if (selector != null && (selector.hasInclude() || selector.getEnable())) {
            throw FakeFilters.unsupported("with_vectors");
        }
    }

    /** What of a point's payload a result carries: none unless asked, as in Qdrant. */
    static UnaryOperator<Map<String, Value>> payloadSelector(WithPayloadSelector selector) {
        if (selector == null) {
            return payload -> Map.of();
        }
        switch (selector.getSelectorOptionsCase()) {
            case ENABLE:
                return selector.getEnable() ? payload -> payload : payload -> Map.of();
            case INCLUDE: {
                List<String> fields = selector.getInclude().getFieldsList();
                return payload -> {
                    Map<String, Value> out = new HashMap<>(payload);
                    out.keySet().retainAll(fields);
                    return out;
                };
            }
            case EXCLUDE: {
                List<String> fields = selector.getExclude().getFieldsList();
                return payload -> {
                    Map<String, Value> out = new HashMap<>(payload);
                    out.keySet().removeAll(fields);
                    return out;
                };
            }
            default:
                return payload -> Map.of();
        }
    }

    @SuppressWarnings("deprecation") // reads the deprecated pre-1.12 dense encoding too, as Qdrant does
    private static float[] dense(Vector v) {
        if (v.hasDense()) {
            return floats(v.getDense().getDataList());
        }
        if (v.getDataCount() > 0 && !v.hasIndices() && !v.hasVectorsCount()) {
            return floats(v.getDataList());
        }
        throw FakeFilters.unsupported("vector kind " + v.getVectorCase());
    }
}
