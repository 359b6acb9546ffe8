package io.kembed.sink.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.kembed.core.event.EntityKey;
import io.kembed.core.store.VectorStore;
import io.kembed.core.store.VectorStoreException;
import io.kembed.sink.VectorStoreContract;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Collections.VectorParams;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The store contract on {@link QdrantVectorStore} against {@link FakeQdrantServer}, plus Qdrant-only behaviour. */
class QdrantVectorStoreTest extends VectorStoreContract {

    private FakeQdrantServer qdrant;
    private QdrantClient client;

    /** Starts the fake on first use: the contract's {@code @BeforeEach} opens a store before ours would run. */
    @Override
    protected VectorStore open(String collection, int dims) {
        if (qdrant == null) {
            qdrant = FakeQdrantServer.inProcess();
            client = qdrant.newClient();
        }
        return QdrantVectorStore.open(client, config(collection, dims));
    }

    @AfterEach
    void stopFake() {
        if (qdrant != null) {
            client.close();
            qdrant.close();
        }
    }

    private static QdrantStoreConfig config(String collection, int dims) {
        return QdrantStoreConfig.local(collection, dims).withTimeout(Duration.ofSeconds(5));
    }

    @Test
    void open_createsACosineCollection_withTenantAndEntityIdIndexes() throws Exception {
        CollectionInfo info = client.getCollectionInfoAsync(collection).get();

        VectorParams params = info.getConfig().getParams().getVectorsConfig().getParams();
        assertThat(params.getSize()).isEqualTo(DIMS);
        assertThat(params.getDistance()).isEqualTo(Distance.Cosine);
        assertThat(info.getPayloadSchemaMap().get("tenant").getDataType()).isEqualTo(PayloadSchemaType.Keyword);
        assertThat(info.getPayloadSchemaMap().get("tenant").getParams().getKeywordIndexParams().getIsTenant())
                .isTrue();
        assertThat(info.getPayloadSchemaMap().get("entity_id").getDataType()).isEqualTo(PayloadSchemaType.Keyword);
    }

    @Test
    void open_refusesACollectionWithAnotherDistance() throws Exception {
        client.createCollectionAsync("dot-collection",
                VectorParams.newBuilder().setSize(DIMS).setDistance(Distance.Dot).build()).get();

        assertThatThrownBy(() -> QdrantVectorStore.open(client, config("dot-collection", DIMS)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cosine");
    }

    @Test
    void storeOpenedOnAnAlias_writesToTheAliasedCollection() throws Exception {
        client.createAliasAsync("live", collection).get();
        VectorStore viaAlias = track(QdrantVectorStore.open(client, config("live", DIMS)));

        viaAlias.upsert(List.of(point(EntityKey.document("t1", "a"), 0, 1, unitVector())));

        assertThat(store.count("t1")).isEqualTo(1);
        assertThat(client.listCollectionsAsync().get()).containsExactly(collection);
    }

    @Test
    void unavailableQdrant_isRetriable() {
        qdrant.failNextCalls(1, Status.UNAVAILABLE.withDescription("connection refused"));

        assertThatThrownBy(() -> store.upsert(List.of(point(EntityKey.document("t1", "a"), 0, 1, unitVector()))))
                .isInstanceOf(VectorStoreException.class)
                .hasMessageContaining("UNAVAILABLE");
    }

    @Test
    void slowQdrant_timesOut_asRetriable() {
        VectorStore impatient = track(QdrantVectorStore.open(client,
                config(collection, DIMS).withTimeout(Duration.ofMillis(200))));
        qdrant.delayNextCalls(1, Duration.ofMillis(1_500));

        assertThatThrownBy(() -> impatient.count("t1"))
                .isInstanceOf(VectorStoreException.class)
                .hasMessageContaining("DEADLINE_EXCEEDED");
    }

    @Test
    void rejectedRequest_isNotRetriable() {
        qdrant.failNextCalls(1, Status.INVALID_ARGUMENT.withDescription("Wrong input: payload too large"));
        qdrant.failNextCalls(1, Status.PERMISSION_DENIED);

        assertThatThrownBy(() -> store.upsert(List.of(point(EntityKey.document("t1", "a"), 0, 1, unitVector()))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.count("t1")).isInstanceOf(IllegalStateException.class)
                .isNotInstanceOf(VectorStoreException.class);
    }

    @Test
    void interruptedCaller_keepsItsInterruptFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> store.count("t1")).isInstanceOf(VectorStoreException.class)
                    .hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void connect_overTcp_sendsTheApiKey() {
        try (FakeQdrantServer tcp = FakeQdrantServer.onLoopback()) {
            tcp.requireApiKey("s3cret");
            QdrantStoreConfig base = config("over-tcp", DIMS).withEndpoint("127.0.0.1", tcp.port(), false);

            try (VectorStore s = QdrantVectorStore.connect(base.withApiKey("s3cret"))) {
                s.upsert(List.of(point(EntityKey.document("t1", "a"), 0, 1, unitVector())));
                assertThat(s.count("t1")).isEqualTo(1);
            }
            assertThatThrownBy(() -> QdrantVectorStore.connect(base.withApiKey("wrong")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("UNAUTHENTICATED");
        }
    }

    @Test
    void connect_toAPortWithoutQdrant_isRetriable() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        QdrantStoreConfig nowhere = config("nowhere", DIMS).withEndpoint("127.0.0.1", port, false);

        assertThatThrownBy(() -> QdrantVectorStore.connect(nowhere))
                .isInstanceOf(VectorStoreException.class)
                .hasMessageContaining("UNAVAILABLE");
    }
}
