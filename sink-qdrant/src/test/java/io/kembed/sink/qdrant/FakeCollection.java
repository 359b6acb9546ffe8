package io.kembed.sink.qdrant;

import io.grpc.Status;
import io.qdrant.client.grpc.Collections.CollectionConfig;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CollectionParams;
import io.qdrant.client.grpc.Collections.CollectionStatus;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.OptimizerStatus;
import io.qdrant.client.grpc.Collections.PayloadSchemaInfo;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScoredPoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * One collection of the fake: a single unnamed dense vector per point, {@code Cosine} (vectors normalised on
 * write, as Qdrant does) or {@code Dot} distance, searched by brute force. Thread-safe.
 */
final class FakeCollection {

    /** A stored point; {@code vector} is normalised for Cosine. */
    record StoredPoint(PointId id, String key, float[] vector, Map<String, Value> payload) {
    }

    private final String name;
    private final int dims;
    private final Distance distance;
    private final Map<String, StoredPoint> points = new LinkedHashMap<>();
    private final Map<String, PayloadSchemaInfo> payloadSchema = new LinkedHashMap<>();

    FakeCollection(String name, int dims, Distance distance) {
        this.name = name;
        this.dims = dims;
        this.distance = distance;
    }

    String name() {
        return name;
    }

    synchronized CollectionInfo info() {
        VectorParams params = VectorParams.newBuilder().setSize(dims).setDistance(distance).build();
        return CollectionInfo.newBuilder()
                .setStatus(CollectionStatus.Green)
                .setOptimizerStatus(OptimizerStatus.newBuilder().setOk(true))
                .setSegmentsCount(1)
                .setPointsCount(points.size())
                .setIndexedVectorsCount(0)
                .putAllPayloadSchema(payloadSchema)
                .setConfig(CollectionConfig.newBuilder().setParams(CollectionParams.newBuilder()
                        .setShardNumber(1)
                        .setVectorsConfig(VectorsConfig.newBuilder().setParams(params))))
                .build();
    }

    synchronized void createIndex(String field, PayloadSchemaInfo schema) {
        payloadSchema.put(field, schema);
    }

    /** Inserts or overwrites, by id. All points are checked before any is written. */
    synchronized void upsert(List<StoredPoint> batch) {
        List<StoredPoint> stored = new ArrayList<>(batch.size());
        for (StoredPoint p : batch) {
            stored.add(new StoredPoint(p.id(), p.key(), prepare(p.vector()), Map.copyOf(p.payload())));
        }
        for (StoredPoint p : stored) {
            points.put(p.key(), p);
        }
    }

    synchronized void deleteIds(List<PointId> ids) {
        for (PointId id : ids) {
            points.remove(key(id));
        }
    }

    synchronized void deleteMatching(Filter filter) {
        List<String> doomed = new ArrayList<>();
        for (StoredPoint p : points.values()) {
            if (FakeFilters.matches(filter, p)) {
                doomed.add(p.key());
            }
        }
        doomed.forEach(points::remove);
    }

    /**
     * The points with the given ids, in request order, each once; ids not stored are left out (Qdrant's
     * {@code Get}).
     */
    synchronized List<RetrievedPoint> get(List<PointId> ids, UnaryOperator<Map<String, Value>> payloadSelector) {
        List<RetrievedPoint> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (PointId id : ids) {
            StoredPoint p = points.get(key(id));
            if (p != null && seen.add(p.key())) {
                out.add(RetrievedPoint.newBuilder().setId(p.id())
                        .putAllPayload(payloadSelector.apply(p.payload())).build());
            }
        }
        return out;
    }

    synchronized long count(Filter filter) {
        return points.values().stream().filter(p -> FakeFilters.matches(filter, p)).count();
    }

    /**
     * Exact nearest neighbours, best first.
     *
     * @param scoreThreshold drop points scoring below it (NaN: keep all)
     * @param payloadSelector what each hit carries of its payload
     */
    synchronized List<ScoredPoint> search(float[] query, Filter filter, long limit, long offset,
            float scoreThreshold, UnaryOperator<Map<String, Value>> payloadSelector) {
        float[] q = prepare(query);
        record Scored(StoredPoint point, float score) {
        }
        return points.values().stream()
                .filter(p -> FakeFilters.matches(filter, p))
                .map(p -> new Scored(p, dot(q, p.vector())))
                .filter(s -> Float.isNaN(scoreThreshold) || s.score() >= scoreThreshold)
                .sorted(Comparator.comparingDouble(Scored::score).reversed())
                .skip(offset)
                .limit(limit)
                .map(s -> ScoredPoint.newBuilder().setId(s.point().id()).setScore(s.score())
                        .putAllPayload(payloadSelector.apply(s.point().payload())).build())
                .toList();
    }

    /** Canonical map key of a point id: {@code n:<num>} or {@code u:<lower-case uuid>}. */
    static String key(PointId id) {
        switch (id.getPointIdOptionsCase()) {
            case NUM:
                return "n:" + Long.toUnsignedString(id.getNum());
            case UUID:
                try {
                    return "u:" + UUID.fromString(id.getUuid());
                } catch (IllegalArgumentException e) {
                    throw Status.INVALID_ARGUMENT.withDescription("Wrong input: Unable to parse UUID: "
                            + id.getUuid()).asRuntimeException();
                }
            default:
                throw Status.INVALID_ARGUMENT.withDescription("Wrong input: point id is missing")
                        .asRuntimeException();
        }
    }

    /** Checks the size and, for Cosine, returns a normalised copy. */
    private float[] prepare(float[] v) {
        if (v.length != dims) {
            throw Status.INVALID_ARGUMENT.withDescription("Wrong input: Vector dimension error: expected dim: "
                    + dims + ", got " + v.length).asRuntimeException();
        }
        if (distance != Distance.Cosine) {
            return v.clone();
        }
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        float[] unit = v.clone();
        if (sum > 0) {
            double norm = Math.sqrt(sum);
            for (int i = 0; i < unit.length; i++) {
                unit[i] = (float) (unit[i] / norm);
            }
        }
        return unit;
    }

    private static float dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return (float) s;
    }
}
