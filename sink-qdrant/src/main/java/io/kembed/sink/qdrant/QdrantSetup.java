package io.kembed.sink.qdrant;

import io.grpc.Status;
import io.kembed.core.store.VectorStoreException;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.VersionsCompatibilityChecker;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.KeywordIndexParams;
import io.qdrant.client.grpc.Collections.PayloadIndexParams;
import io.qdrant.client.grpc.Collections.PayloadSchemaInfo;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckReply;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link QdrantVectorStore} does on open: checks that Qdrant answers, and makes sure its collection exists with
 * the right shape: one unnamed dense vector of {@code dims} floats, {@code Cosine} distance, and keyword payload
 * indexes on {@code tenant} (flagged {@code is_tenant}, so Qdrant co-locates each tenant's points) and
 * {@code entity_id}.
 */
final class QdrantSetup {

    private static final Logger LOG = LoggerFactory.getLogger(QdrantSetup.class);

    private QdrantSetup() {
    }

    /**
     * Calls Qdrant's health check within {@code timeout} and warns if its version is more than one minor release
     * from the client's (the Java client's own compatibility rule). Done here rather than by the client's builder,
     * whose check has no deadline.
     *
     * @throws VectorStoreException if Qdrant does not answer (retriable)
     */
    static void checkServer(QdrantClient client, Duration timeout) {
        HealthCheckReply health = GrpcCalls.await(client.healthCheckAsync(timeout), timeout, "health check");
        String clientVersion = QdrantClient.class.getPackage().getImplementationVersion();
        if (clientVersion != null && !VersionsCompatibilityChecker.isCompatible(clientVersion, health.getVersion())) {
            LOG.warn("Qdrant server {} may not work with Java client {}: their minor versions differ by more than 1",
                    health.getVersion(), clientVersion);
        }
    }

    /**
     * Creates {@code collection} if missing, checks its vector shape, and adds the payload indexes it lacks.
     * {@code collection} may be an alias: Qdrant resolves it.
     *
     * @throws IllegalArgumentException if the collection exists with another vector size or distance
     */
    static void ensure(QdrantClient client, String collection, int dims, Duration timeout) {
        Optional<CollectionInfo> info = describe(client, collection, timeout);
        if (info.isEmpty()) {
            VectorParams params = VectorParams.newBuilder().setSize(dims).setDistance(Distance.Cosine).build();
            try {
                GrpcCalls.await(client.createCollectionAsync(collection, params, timeout), timeout,
                        "create collection '" + collection + "'");
                LOG.info("created Qdrant collection '{}' ({} dims, Cosine)", collection, dims);
            } catch (RuntimeException e) {
                // Another store may have created it between our two calls: accept it if its shape is right.
                info = describe(client, collection, timeout);
                if (info.isEmpty()) {
                    throw e;
                }
            }
        }
        info.ifPresent(i -> verifyVectors(i, collection, dims));
        PayloadIndexParams tenantParams = PayloadIndexParams.newBuilder()
                .setKeywordIndexParams(KeywordIndexParams.newBuilder().setIsTenant(true)).build();
        ensureKeywordIndex(client, info, collection, QdrantPoints.TENANT, tenantParams, timeout);
        ensureKeywordIndex(client, info, collection, QdrantPoints.ENTITY_ID, null, timeout);
    }

    /** @throws IllegalArgumentException unless the collection holds one unnamed {@code dims}-float Cosine vector */
    static void verifyVectors(CollectionInfo info, String collection, int dims) {
        VectorsConfig config = info.getConfig().getParams().getVectorsConfig();
        if (!config.hasParams()) {
            throw new IllegalArgumentException("Qdrant collection '" + collection
                    + "' uses named vectors; kembed needs one unnamed vector per point");
        }
        VectorParams params = config.getParams();
        if (params.getSize() != dims) {
            throw new IllegalArgumentException("Qdrant collection '" + collection + "' holds " + params.getSize()
                    + "-dim vectors; cannot use it for " + dims + "-dim vectors (use a new collection for another"
                    + " model)");
        }
        if (params.getDistance() != Distance.Cosine) {
            throw new IllegalArgumentException("Qdrant collection '" + collection + "' uses " + params.getDistance()
                    + " distance; kembed needs Cosine");
        }
    }

    private static Optional<CollectionInfo> describe(QdrantClient client, String collection, Duration timeout) {
        try {
            return Optional.of(GrpcCalls.await(client.getCollectionInfoAsync(collection, timeout), timeout,
                    "get collection '" + collection + "'"));
        } catch (IllegalStateException e) {
            if (Status.fromThrowable(e).getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static void ensureKeywordIndex(QdrantClient client, Optional<CollectionInfo> info, String collection,
            String field, PayloadIndexParams params, Duration timeout) {
        PayloadSchemaInfo existing = info.map(i -> i.getPayloadSchemaMap().get(field)).orElse(null);
        if (existing != null && existing.getDataType() == PayloadSchemaType.Keyword) {
            return;
        }
        GrpcCalls.await(client.createPayloadIndexAsync(collection, field, PayloadSchemaType.Keyword, params, true,
                null, timeout), timeout, "create payload index '" + field + "' on '" + collection + "'");
    }
}
