package io.kembed.sink.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.store.VectorStore;
import io.kembed.sink.VectorStores;
import io.qdrant.client.grpc.Collections.AliasOperations;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The request of an alias swap, and a tenant's alias resolved before the shared one. No Qdrant server can run on
 * the build machines: the request's shape is checked (Qdrant applies the operations of one {@code UpdateAliases}
 * call atomically), and {@link QdrantAliases#resolveFirst} runs against {@link FakeQdrantServer}, a gRPC server
 * on Qdrant's own stubs.
 */
class QdrantAliasesTest {

    @Test
    void swapOfAnExistingAlias_deletesAndCreatesInOneRequest() {
        List<AliasOperations> ops = QdrantAliases.swapOperations("kembed", "kembed__e5-small-v2-q", true);
        assertThat(ops).hasSize(2);
        assertThat(ops.get(0).getDeleteAlias().getAliasName()).isEqualTo("kembed");
        assertThat(ops.get(1).getCreateAlias().getAliasName()).isEqualTo("kembed");
        assertThat(ops.get(1).getCreateAlias().getCollectionName()).isEqualTo("kembed__e5-small-v2-q");
    }

    @Test
    void swapOfANewAlias_onlyCreates() {
        List<AliasOperations> ops = QdrantAliases.swapOperations("kembed", "kembed__x", false);
        assertThat(ops).singleElement().satisfies(o -> assertThat(o.hasCreateAlias()).isTrue());
    }

    @Test
    void resolveFirst_takesTheFirstExistingAlias_inOneListing() {
        try (FakeQdrantServer qdrant = FakeQdrantServer.onLoopback()) {
            QdrantStoreConfig shared = QdrantStoreConfig.local("kembed__all-minilm-l6-v2-q", 8)
                    .withEndpoint("127.0.0.1", qdrant.port(), false);
            QdrantStoreConfig own = QdrantStoreConfig.local("kembed.t-acme__e5-small-v2-q", 8)
                    .withEndpoint("127.0.0.1", qdrant.port(), false);
            try (VectorStore a = VectorStores.qdrant(shared); VectorStore b = VectorStores.qdrant(own);
                    QdrantAliases aliases = QdrantAliases.connect(shared)) {
                List<String> order = List.of("kembed.t-acme", "kembed");
                assertThat(aliases.resolveFirst(order)).isEmpty();
                aliases.swap("kembed", a.collection());
                assertThat(aliases.resolveFirst(order)).contains(Map.entry("kembed", a.collection()));
                aliases.swap("kembed.t-acme", b.collection());
                assertThat(aliases.resolveFirst(order)).contains(Map.entry("kembed.t-acme", b.collection()));
                assertThat(aliases.resolveFirst(List.of("kembed.t-other", "kembed")))
                        .contains(Map.entry("kembed", a.collection()));
            }
        }
    }
}
