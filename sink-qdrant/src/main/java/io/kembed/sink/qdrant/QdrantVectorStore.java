package io.kembed.sink.qdrant;

import static io.qdrant.client.QueryFactory.nearest;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.WithPayloadSelectorFactory.enable;
import static io.qdrant.client.WithPayloadSelectorFactory.include;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.kembed.core.event.EntityKey;
import io.kembed.core.store.PointIds;
import io.kembed.core.store.SearchHit;
import io.kembed.core.store.VectorPoint;
import io.kembed.core.store.VectorStore;
import io.kembed.core.store.VectorStoreException;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScoredPoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link VectorStore} on a Qdrant collection, over gRPC with the official Java client.
 *
 * <p><b>Collection.</b> On open the store calls Qdrant's health check (warning if the server's version is more than
 * one minor release from the client's), then creates the collection (or the collection an alias names) if missing,
 * with one unnamed dense vector of {@code dims} floats and {@code Cosine} distance, and gives it keyword payload
 * indexes on {@code tenant} and {@code entity_id}; an existing collection with another size or distance is
 * refused.
 *
 * <p><b>Points.</b> Point id = the UUIDv5 of {@code PointIds}, so redelivery overwrites. Payload: {@code tenant},
 * {@code entity_type}, {@code entity_id}, {@code chunk}, {@code version}, {@code model_id}, {@code title},
 * {@code snippet}. Qdrant normalises vectors for Cosine, so {@link SearchHit#score()} is the cosine in [-1, 1].
 * Every search carries a {@code must} filter on the tenant, evaluated by Qdrant during the HNSW search.
 *
 * <p><b>Delete markers.</b> {@link #tombstone} writes a marker point per deleted entity (id
 * {@code PointIds.marker(entity)}, payload {@code chunk = -1}, the delete's {@code version}, {@code deleted = true};
 * see {@code QdrantPoints}) before deleting the entity's chunks; every search and count filter carries
 * {@code must_not: deleted = true}, so markers never reach a result. {@link #upsert} deletes the markers of the
 * entities it wrote, after writing their points (a crash in between leaves a marker older than the points, which
 * {@link #storedVersions} ignores by taking the higher version).
 *
 * <p><b>Writes.</b> Upserts and deletes use {@code wait=true}: once they return they are applied and in Qdrant's
 * write-ahead log, so {@link #flush()} has nothing left to do. Upserts go in requests of at most
 * {@value #UPSERT_BATCH} points.
 *
 * <p><b>Failures.</b> Each call has the config's deadline. {@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED} and other
 * transient gRPC codes become {@link VectorStoreException} (retriable); {@code INVALID_ARGUMENT} becomes
 * {@link IllegalArgumentException}; anything else (authentication, permission, missing collection) becomes
 * {@link IllegalStateException}.
 *
 * <p><b>Threads.</b> Thread-safe: {@link QdrantClient} is. After {@link #close()} calls throw
 * {@link IllegalStateException}.
 */
public final class QdrantVectorStore implements VectorStore {

    /**
     * Points per upsert request: at 1,024 dims a point is about 5 KiB (4 KiB of floats plus payload), so a request
     * stays near 1.3 MiB, well under gRPC's default 4 MiB message limit.
     */
    public static final int UPSERT_BATCH = 256;

    /** How long {@link #close()} waits for an owned channel's calls to finish, in seconds. */
    private static final long CHANNEL_SHUTDOWN_SECONDS = 5;

    private final QdrantClient client;
    private final ManagedChannel ownedChannel; // null when the caller owns the client
    private final String collection;
    private final int dims;
    private final Duration timeout;
    private final AtomicBoolean closed = new AtomicBoolean();

    private QdrantVectorStore(QdrantClient client, ManagedChannel ownedChannel, QdrantStoreConfig config) {
        this.client = client;
        this.ownedChannel = ownedChannel;
        this.collection = config.collection();
        this.dims = config.dims();
        this.timeout = config.timeout();
    }

    /**
     * Connects to the Qdrant of {@code config} and prepares its collection. The store owns the connection and
     * closes it in {@link #close()}.
     *
     * @throws IllegalArgumentException if the collection exists with another vector size or distance
     * @throws VectorStoreException if Qdrant is unreachable or does not answer in time (retriable)
     * @throws IllegalStateException if Qdrant refuses the setup (for example a wrong API key)
     */
    public static QdrantVectorStore connect(QdrantStoreConfig config) {
        Objects.requireNonNull(config, "config");
        ManagedChannelBuilder<?> builder = ManagedChannelBuilder.forAddress(config.host(), config.grpcPort());
        if (config.useTls()) {
            builder.useTransportSecurity();
        } else {
            builder.usePlaintext();
        }
        ManagedChannel channel = builder.build();
        // No version check in the builder: it has no deadline. QdrantSetup.checkServer does it within the timeout.
        QdrantGrpcClient.Builder grpc = QdrantGrpcClient.newBuilder(channel, false, false);
        if (config.apiKey() != null) {
            grpc.withApiKey(config.apiKey());
        }
        QdrantClient client = new QdrantClient(grpc.build());
        try {
            return prepare(client, channel, config);
        } catch (RuntimeException e) {
            client.close();
            shutdown(channel);
            throw e;
        }
    }

    /**
     * Uses a client the caller made (tests, or an application that shares one client between stores) and prepares
     * the collection of {@code config}; only its collection, dims and timeout are read. The caller keeps
     * ownership: {@link #close()} leaves {@code client} open.
     *
     * @throws IllegalArgumentException if the collection exists with another vector size or distance
     * @throws VectorStoreException if Qdrant is unreachable or does not answer in time (retriable)
     */
    public static QdrantVectorStore open(QdrantClient client, QdrantStoreConfig config) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(config, "config");
        return prepare(client, null, config);
    }

    private static QdrantVectorStore prepare(QdrantClient client, ManagedChannel ownedChannel,
            QdrantStoreConfig config) {
        QdrantSetup.checkServer(client, config.timeout());
        QdrantSetup.ensure(client, config.collection(), config.dims(), config.timeout());
        return new QdrantVectorStore(client, ownedChannel, config);
    }

    @Override
    public String collection() {
        return collection;
    }

    @Override
    public int dims() {
        return dims;
    }

    /** {@inheritDoc} Sent in requests of {@value #UPSERT_BATCH} points with {@code wait=true}. */
    @Override
    public void upsert(List<VectorPoint> points) {
        Objects.requireNonNull(points, "points");
        List<PointStruct> structs = new ArrayList<>(points.size());
        for (VectorPoint p : points) { // validate all before sending any
            checkVector(p.vector(), "point " + p.entity() + "#" + p.chunk());
            structs.add(QdrantPoints.toPoint(p));
        }
        ensureOpen();
        for (int from = 0; from < structs.size(); from += UPSERT_BATCH) {
            List<PointStruct> batch = structs.subList(from, Math.min(structs.size(), from + UPSERT_BATCH));
            GrpcCalls.await(client.upsertAsync(collection, batch, timeout), timeout,
                    "upsert of " + batch.size() + " points into '" + collection + "'");
        }
        List<PointId> markers = points.stream().map(VectorPoint::entity).distinct()
                .map(e -> id(PointIds.marker(e))).toList();
        if (!markers.isEmpty()) {
            GrpcCalls.await(client.deleteAsync(collection, markers, timeout), timeout,
                    "delete of " + markers.size() + " delete markers from '" + collection + "'");
        }
    }

    /**
     * {@inheritDoc} Writes the marker first, then deletes the chunks: a failure in between leaves the marker and
     * old chunks, and the sink's retry finishes the delete.
     *
     * @throws IllegalArgumentException if {@code version < 0}
     */
    @Override
    public void tombstone(EntityKey entity, long version) {
        Objects.requireNonNull(entity, "entity");
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, got " + version);
        }
        ensureOpen();
        GrpcCalls.await(client.upsertAsync(collection, List.of(QdrantPoints.toMarker(entity, version, dims)), timeout),
                timeout, "upsert of the delete marker of " + entity + " into '" + collection + "'");
        GrpcCalls.await(client.deleteAsync(collection, QdrantPoints.entityChunksFrom(entity, 0), timeout),
                timeout, "delete of " + entity + " from '" + collection + "'");
    }

    /**
     * {@inheritDoc} Retrieves (Qdrant {@code Get}) the entities' chunk-0 and marker points by id, with only their
     * {@code version} payload, in requests of at most {@value #UPSERT_BATCH} ids.
     */
    @Override
    public Map<EntityKey, Long> storedVersions(Collection<EntityKey> entities) {
        Objects.requireNonNull(entities, "entities");
        Map<String, EntityKey> byId = new LinkedHashMap<>();
        for (EntityKey e : entities) {
            byId.put(PointIds.of(e, 0).toString(), e);
            byId.put(PointIds.marker(e).toString(), e);
        }
        ensureOpen();
        List<PointId> ids = byId.keySet().stream().map(u -> id(UUID.fromString(u))).toList();
        Map<EntityKey, Long> versions = new HashMap<>();
        for (int from = 0; from < ids.size(); from += UPSERT_BATCH) {
            List<PointId> batch = ids.subList(from, Math.min(ids.size(), from + UPSERT_BATCH));
            List<RetrievedPoint> found = GrpcCalls.await(client.retrieveAsync(collection, batch,
                    include(List.of(QdrantPoints.VERSION)), WithVectorsSelectorFactory.enable(false), null, timeout),
                    timeout, "retrieve of " + batch.size() + " points from '" + collection + "'");
            for (RetrievedPoint p : found) {
                EntityKey e = byId.get(UUID.fromString(p.getId().getUuid()).toString());
                if (e != null) {
                    versions.merge(e, QdrantPoints.version(p, collection), Math::max);
                }
            }
        }
        return versions;
    }

    /** @throws IllegalArgumentException if {@code fromChunk < 0} */
    @Override
    public void deleteEntity(EntityKey entity, int fromChunk) {
        Objects.requireNonNull(entity, "entity");
        if (fromChunk < 0) {
            throw new IllegalArgumentException("fromChunk must be >= 0, got " + fromChunk);
        }
        ensureOpen();
        GrpcCalls.await(client.deleteAsync(collection, QdrantPoints.entityChunksFrom(entity, fromChunk), timeout),
                timeout, "delete of " + entity + " chunks >= " + fromChunk + " from '" + collection + "'");
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code query} is not {@code float[dims]}, holds NaN or infinity, or
     *         {@code k < 1}
     */
    @Override
    public List<SearchHit> search(String tenantId, float[] query, int k) {
        Objects.requireNonNull(tenantId, "tenantId");
        checkVector(query, "query");
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        ensureOpen();
        QueryPoints request = QueryPoints.newBuilder()
                .setCollectionName(collection)
                .setQuery(nearest(query))
                .setFilter(QdrantPoints.tenant(tenantId))
                .setLimit(k)
                .setWithPayload(enable(true))
                .build();
        List<ScoredPoint> scored = GrpcCalls.await(client.queryAsync(request, timeout), timeout,
                "search in '" + collection + "'");
        List<SearchHit> hits = new ArrayList<>(scored.size());
        for (ScoredPoint p : scored) {
            hits.add(QdrantPoints.toHit(p, collection));
        }
        return hits;
    }

    /** {@inheritDoc} Exact count ({@code exact=true}). */
    @Override
    public long count(String tenantId) {
        ensureOpen();
        return GrpcCalls.await(client.countAsync(collection, QdrantPoints.tenant(tenantId), true, timeout), timeout,
                "count in '" + collection + "'");
    }

    @Override
    public long countOtherModels(String modelId) {
        ensureOpen();
        return GrpcCalls.await(client.countAsync(collection, QdrantPoints.otherModels(modelId), true, timeout),
                timeout, "count other models in '" + collection + "'");
    }

    /** No-op: every write already waited for Qdrant to apply it ({@code wait=true}). */
    @Override
    public void flush() {
        ensureOpen();
    }

    /** Closes the connection if {@link #connect} made it; a client passed to {@link #open} stays open. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true) || ownedChannel == null) {
            return;
        }
        client.close();
        shutdown(ownedChannel);
    }

    @Override
    public String toString() {
        return "QdrantVectorStore[collection=" + collection + ", dims=" + dims + "]";
    }

    private void checkVector(float[] v, String what) {
        Objects.requireNonNull(v, what);
        if (v.length != dims) {
            throw new IllegalArgumentException(what + " has " + v.length + " dims; collection '" + collection
                    + "' holds " + dims);
        }
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException(what + " holds a non-finite value: " + x);
            }
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("Qdrant store on '" + collection + "' is closed");
        }
    }

    private static void shutdown(ManagedChannel channel) {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(CHANNEL_SHUTDOWN_SECONDS, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
