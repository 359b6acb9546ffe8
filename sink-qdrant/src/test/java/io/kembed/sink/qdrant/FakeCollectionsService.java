package io.kembed.sink.qdrant;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Collections.ChangeAliases;
import io.qdrant.client.grpc.Collections.CollectionDescription;
import io.qdrant.client.grpc.Collections.CollectionExists;
import io.qdrant.client.grpc.Collections.CollectionExistsRequest;
import io.qdrant.client.grpc.Collections.CollectionExistsResponse;
import io.qdrant.client.grpc.Collections.CollectionOperationResponse;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.Datatype;
import io.qdrant.client.grpc.Collections.DeleteCollection;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.GetCollectionInfoRequest;
import io.qdrant.client.grpc.Collections.GetCollectionInfoResponse;
import io.qdrant.client.grpc.Collections.ListAliasesRequest;
import io.qdrant.client.grpc.Collections.ListAliasesResponse;
import io.qdrant.client.grpc.Collections.ListCollectionAliasesRequest;
import io.qdrant.client.grpc.Collections.ListCollectionsRequest;
import io.qdrant.client.grpc.Collections.ListCollectionsResponse;
import io.qdrant.client.grpc.Collections.ShardingMethod;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.CollectionsGrpc;

/**
 * The fake's {@code qdrant.Collections} service: Get, List, Create, Delete, CollectionExists, UpdateAliases,
 * ListAliases, ListCollectionAliases. Other RPCs answer {@code UNIMPLEMENTED} (the generated base class's default).
 */
final class FakeCollectionsService extends CollectionsGrpc.CollectionsImplBase {

    /** Qdrant's bound on a dense vector's size. */
    private static final long MAX_VECTOR_SIZE = 65_536;

    private final FakeQdrantState state;

    FakeCollectionsService(FakeQdrantState state) {
        this.state = state;
    }

    @Override
    public void get(GetCollectionInfoRequest request, StreamObserver<GetCollectionInfoResponse> response) {
        FakeRpc.unary(response, () -> GetCollectionInfoResponse.newBuilder()
                .setResult(state.resolve(request.getCollectionName()).info()).setTime(FakeRpc.TIME).build());
    }

    @Override
    public void list(ListCollectionsRequest request, StreamObserver<ListCollectionsResponse> response) {
        FakeRpc.unary(response, () -> {
            ListCollectionsResponse.Builder b = ListCollectionsResponse.newBuilder().setTime(FakeRpc.TIME);
            state.collectionNames().forEach(n -> b.addCollections(CollectionDescription.newBuilder().setName(n)));
            return b.build();
        });
    }

    @Override
    public void create(CreateCollection request, StreamObserver<CollectionOperationResponse> response) {
        FakeRpc.unary(response, () -> {
            VectorParams params = checkSupported(request);
            state.create(request.getCollectionName(), (int) params.getSize(), params.getDistance());
            return ok(true);
        });
    }

    @Override
    public void delete(DeleteCollection request, StreamObserver<CollectionOperationResponse> response) {
        FakeRpc.unary(response, () -> ok(state.delete(request.getCollectionName())));
    }

    @Override
    public void collectionExists(CollectionExistsRequest request, StreamObserver<CollectionExistsResponse> response) {
        FakeRpc.unary(response, () -> CollectionExistsResponse.newBuilder().setTime(FakeRpc.TIME)
                .setResult(CollectionExists.newBuilder().setExists(state.exists(request.getCollectionName())))
                .build());
    }

    @Override
    public void updateAliases(ChangeAliases request, StreamObserver<CollectionOperationResponse> response) {
        FakeRpc.unary(response, () -> {
            state.updateAliases(request.getActionsList());
            return ok(true);
        });
    }

    @Override
    public void listAliases(ListAliasesRequest request, StreamObserver<ListAliasesResponse> response) {
        FakeRpc.unary(response, () -> ListAliasesResponse.newBuilder().setTime(FakeRpc.TIME)
                .addAllAliases(state.aliases(null)).build());
    }

    @Override
    public void listCollectionAliases(ListCollectionAliasesRequest request,
            StreamObserver<ListAliasesResponse> response) {
        FakeRpc.unary(response, () -> ListAliasesResponse.newBuilder().setTime(FakeRpc.TIME)
                .addAllAliases(state.aliases(request.getCollectionName())).build());
    }

    /**
     * Accepts storage tuning (HNSW, WAL, optimizers, quantization, shards, replication: they do not change what
     * an exact search returns) and refuses what would change results and is not modelled.
     */
    private static VectorParams checkSupported(CreateCollection request) {
        if (request.hasSparseVectorsConfig()) {
            throw FakeFilters.unsupported("sparse vectors");
        }
        if (request.hasStrictModeConfig()) {
            throw FakeFilters.unsupported("strict mode");
        }
        if (request.getShardingMethod() == ShardingMethod.Custom) {
            throw FakeFilters.unsupported("custom sharding");
        }
        if (request.getMetadataCount() > 0) {
            throw FakeFilters.unsupported("collection metadata");
        }
        if (!request.hasVectorsConfig() || !request.getVectorsConfig().hasParams()) {
            throw FakeFilters.unsupported("collections without exactly one unnamed vector");
        }
        VectorParams p = request.getVectorsConfig().getParams();
        if (p.hasMultivectorConfig()) {
            throw FakeFilters.unsupported("multi-vectors");
        }
        if (p.hasDatatype() && p.getDatatype() != Datatype.Float32 && p.getDatatype() != Datatype.Default) {
            throw FakeFilters.unsupported("vector datatype " + p.getDatatype());
        }
        if (p.getSize() < 1 || p.getSize() > MAX_VECTOR_SIZE) {
            throw Status.INVALID_ARGUMENT.withDescription("Wrong input: vector size must be in [1, "
                    + MAX_VECTOR_SIZE + "], got " + p.getSize()).asRuntimeException();
        }
        if (p.getDistance() == Distance.UnknownDistance || p.getDistance() == Distance.UNRECOGNIZED) {
            throw Status.INVALID_ARGUMENT.withDescription("Wrong input: distance is missing").asRuntimeException();
        }
        if (p.getDistance() != Distance.Cosine && p.getDistance() != Distance.Dot) {
            throw FakeFilters.unsupported("distance " + p.getDistance());
        }
        return p;
    }

    private static CollectionOperationResponse ok(boolean result) {
        return CollectionOperationResponse.newBuilder().setResult(result).setTime(FakeRpc.TIME).build();
    }
}
