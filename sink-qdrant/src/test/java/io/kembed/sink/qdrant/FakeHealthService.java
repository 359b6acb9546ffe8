package io.kembed.sink.qdrant;

import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.QdrantGrpc;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckReply;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckRequest;

/** The fake's {@code qdrant.Qdrant/HealthCheck}, which the Java client calls to compare versions. */
final class FakeHealthService extends QdrantGrpc.QdrantImplBase {

    @Override
    public void healthCheck(HealthCheckRequest request, StreamObserver<HealthCheckReply> response) {
        FakeRpc.unary(response, () -> HealthCheckReply.newBuilder()
                .setTitle("qdrant - vector search engine (kembed FakeQdrantServer)")
                .setVersion(FakeQdrantServer.VERSION)
                .build());
    }
}
