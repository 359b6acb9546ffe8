package io.kembed.sink.qdrant;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Collections.PayloadSchemaInfo;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Points.CountPoints;
import io.qdrant.client.grpc.Points.CountResponse;
import io.qdrant.client.grpc.Points.CountResult;
import io.qdrant.client.grpc.Points.CreateFieldIndexCollection;
import io.qdrant.client.grpc.Points.DeletePoints;
import io.qdrant.client.grpc.Points.GetPoints;
import io.qdrant.client.grpc.Points.GetResponse;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.PointsOperationResponse;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.QueryResponse;
import io.qdrant.client.grpc.Points.SearchParams;
import io.qdrant.client.grpc.Points.SearchPoints;
import io.qdrant.client.grpc.Points.SearchResponse;
import io.qdrant.client.grpc.Points.UpdateResult;
import io.qdrant.client.grpc.Points.UpdateStatus;
import io.qdrant.client.grpc.Points.UpsertPoints;
import io.qdrant.client.grpc.PointsGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fake's {@code qdrant.Points} service: Upsert, Delete (by ids or filter), Get (by ids, ids not found left out
 * of the result as Qdrant does; payload must be selected explicitly, vectors not at all), Query and Search (nearest to a dense
 * vector, brute force, with filter, limit, offset, score threshold, payload selection), Count (always exact) and
 * CreateFieldIndex. Other RPCs, and request options that would change results but are not modelled, answer
 * {@code UNIMPLEMENTED}.
 */
final class FakePointsService extends PointsGrpc.PointsImplBase {

    /** Qdrant's default {@code limit} of a query. */
    private static final long DEFAULT_QUERY_LIMIT = 10;

    private final FakeQdrantState state;
    private final AtomicLong operationIds = new AtomicLong();

    FakePointsService(FakeQdrantState state) {
        this.state = state;
    }

    @Override
    public void upsert(UpsertPoints request, StreamObserver<PointsOperationResponse> response) {
        FakeRpc.unary(response, () -> {
            if (request.hasUpdateFilter() || request.hasShardKeySelector() || request.hasUpdateMode()) {
                throw FakeFilters.unsupported("upsert with update_filter, shard_key_selector or update_mode");
            }
            FakeCollection c = state.resolve(request.getCollectionName());
            List<FakeCollection.StoredPoint> batch = new ArrayList<>(request.getPointsCount());
            for (PointStruct p : request.getPointsList()) {
                batch.add(FakeVectors.toStored(p));
            }
            c.upsert(batch);
            return updated(request.getWait());
        });
    }

    @Override
    public void delete(DeletePoints request, StreamObserver<PointsOperationResponse> response) {
        FakeRpc.unary(response, () -> {
            if (request.hasShardKeySelector()) {
                throw FakeFilters.unsupported("delete with shard_key_selector");
            }
            FakeCollection c = state.resolve(request.getCollectionName());
            switch (request.getPoints().getPointsSelectorOneOfCase()) {
                case POINTS:
                    c.deleteIds(request.getPoints().getPoints().getIdsList());
                    break;
                case FILTER:
                    c.deleteMatching(request.getPoints().getFilter());
                    break;
                default:
                    throw Status.INVALID_ARGUMENT.withDescription("Wrong input: points selector is missing")
                            .asRuntimeException();
            }
            return updated(request.getWait());
        });
    }

    @Override
    public void get(GetPoints request, StreamObserver<GetResponse> response) {
        FakeRpc.unary(response, () -> {
            if (request.hasShardKeySelector() || !request.hasWithPayload()) {
                throw FakeFilters.unsupported("get with shard_key_selector or without an explicit with_payload");
            }
            FakeVectors.checkNoVectorsOut(request.hasWithVectors() ? request.getWithVectors() : null);
            FakeCollection c = state.resolve(request.getCollectionName());
            return GetResponse.newBuilder().setTime(FakeRpc.TIME)
                    .addAllResult(c.get(request.getIdsList(), FakeVectors.payloadSelector(request.getWithPayload())))
                    .build();
        });
    }

    @Override
    public void query(QueryPoints request, StreamObserver<QueryResponse> response) {
        FakeRpc.unary(response, () -> {
            if (request.getPrefetchCount() > 0 || request.hasLookupFrom() || request.hasShardKeySelector()
                    || (request.hasUsing() && !request.getUsing().isEmpty())) {
                throw FakeFilters.unsupported("query with prefetch, lookup_from, shard_key_selector or using");
            }
            FakeVectors.checkNoVectorsOut(request.hasWithVectors() ? request.getWithVectors() : null);
            checkParams(request.hasParams() ? request.getParams() : null);
            FakeCollection c = state.resolve(request.getCollectionName());
            float[] query = FakeVectors.nearestVector(request.hasQuery() ? request.getQuery() : null);
            long limit = request.hasLimit() ? checkLimit(request.getLimit()) : DEFAULT_QUERY_LIMIT;
            return QueryResponse.newBuilder().setTime(FakeRpc.TIME)
                    .addAllResult(c.search(query, request.getFilter(), limit, request.getOffset(),
                            request.hasScoreThreshold() ? request.getScoreThreshold() : Float.NaN,
                            FakeVectors.payloadSelector(request.hasWithPayload() ? request.getWithPayload() : null)))
                    .build();
        });
    }

    @Override
    public void search(SearchPoints request, StreamObserver<SearchResponse> response) {
        FakeRpc.unary(response, () -> {
            if (request.hasShardKeySelector() || request.hasSparseIndices()
                    || (request.hasVectorName() && !request.getVectorName().isEmpty())) {
                throw FakeFilters.unsupported("search with shard_key_selector, sparse_indices or vector_name");
            }
            FakeVectors.checkNoVectorsOut(request.hasWithVectors() ? request.getWithVectors() : null);
            checkParams(request.hasParams() ? request.getParams() : null);
            FakeCollection c = state.resolve(request.getCollectionName());
            float[] query = FakeVectors.floats(request.getVectorList());
            return SearchResponse.newBuilder().setTime(FakeRpc.TIME)
                    .addAllResult(c.search(query, request.getFilter(), checkLimit(request.getLimit()),
                            request.getOffset(),
                            request.hasScoreThreshold() ? request.getScoreThreshold() : Float.NaN,
                            FakeVectors.payloadSelector(request.hasWithPayload() ? request.getWithPayload() : null)))
                    .build();
        });
    }

    @Override
    public void count(CountPoints request, StreamObserver<CountResponse> response) {
        FakeRpc.unary(response, () -> {
            if (request.hasShardKeySelector()) {
                throw FakeFilters.unsupported("count with shard_key_selector");
            }
            Filter filter = request.hasFilter() ? request.getFilter() : Filter.getDefaultInstance();
            long n = state.resolve(request.getCollectionName()).count(filter);
            return CountResponse.newBuilder().setTime(FakeRpc.TIME)
                    .setResult(CountResult.newBuilder().setCount(n)).build();
        });
    }

    @Override
    public void createFieldIndex(CreateFieldIndexCollection request,
            StreamObserver<PointsOperationResponse> response) {
        FakeRpc.unary(response, () -> {
            FakeCollection c = state.resolve(request.getCollectionName());
            if (!request.hasFieldType()) {
                throw Status.INVALID_ARGUMENT.withDescription("Wrong input: field_type is missing")
                        .asRuntimeException();
            }
            // FieldTypeKeyword -> Keyword, FieldTypeInteger -> Integer, ...
            PayloadSchemaType type = PayloadSchemaType.valueOf(request.getFieldType().name()
                    .substring("FieldType".length()));
            PayloadSchemaInfo.Builder schema = PayloadSchemaInfo.newBuilder().setDataType(type);
            if (request.hasFieldIndexParams()) {
                schema.setParams(request.getFieldIndexParams());
            }
            c.createIndex(request.getFieldName(), schema.build());
            return updated(request.getWait());
        });
    }

    private static void checkParams(SearchParams params) {
        // hnsw_ef, exact, quantization and acorn only tune an approximate search; the fake is always exact.
        if (params != null && params.getIndexedOnly()) {
            throw FakeFilters.unsupported("search params indexed_only");
        }
    }

    private static long checkLimit(long limit) {
        if (limit < 1) {
            throw Status.INVALID_ARGUMENT.withDescription("Wrong input: limit must be >= 1, got " + limit)
                    .asRuntimeException();
        }
        return limit;
    }

    private PointsOperationResponse updated(boolean wait) {
        return PointsOperationResponse.newBuilder().setTime(FakeRpc.TIME)
                .setResult(UpdateResult.newBuilder().setOperationId(operationIds.incrementAndGet())
                        .setStatus(wait ? UpdateStatus.Completed : UpdateStatus.Acknowledged))
                .build();
    }
}
