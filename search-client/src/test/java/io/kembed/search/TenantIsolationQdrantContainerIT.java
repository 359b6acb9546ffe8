package io.kembed.search;

import io.kembed.core.store.VectorStore;
import io.kembed.search.cache.SearchCache;
import io.kembed.sink.MultiTenantFixture;
import io.kembed.sink.qdrant.QdrantStoreConfig;
import io.kembed.sink.qdrant.QdrantVectorStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.qdrant.QdrantContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * {@link TenantIsolationTest}'s check through {@link SearchClient} over a real Qdrant in a container (image
 * {@code qdrant/qdrant:v1.18.0}, or {@code -Dkembed.qdrant.image=...}), uncached, in process and with Redis. Skipped,
 * not failed, where no Docker engine runs (as on the build machines, where the Qdrant stand-in runs instead).
 */
@Testcontainers(disabledWithoutDocker = true)
class TenantIsolationQdrantContainerIT {

    @Container
    static final QdrantContainer QDRANT = new QdrantContainer(DockerImageName
            .parse(System.getProperty("kembed.qdrant.image", "qdrant/qdrant:v1.18.0"))
            .asCompatibleSubstituteFor("qdrant/qdrant"));

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @ParameterizedTest(name = "{0} cache")
    @ValueSource(strings = {"none", "caffeine", "redis"})
    void searchesOfOneTenant_neverAnswerWithAnotherTenantsPoints_onRealQdrant(String cacheKind) {
        MultiTenantFixture data = MultiTenantFixture.generate(MultiTenantFixture.seedFromPropertyOrRandom(), 10, 400,
                TenantIsolationTest.DIMS, TenantIsolationTest.MODEL);
        System.out.printf("TenantIsolationQdrantContainerIT[%s]: %s%n", cacheKind, data.describe());
        VectorStore store = QdrantVectorStore.connect(QdrantStoreConfig.local("isolation-" + UUID.randomUUID(),
                TenantIsolationTest.DIMS).withEndpoint(QDRANT.getHost(), QDRANT.getGrpcPort(), false));
        toClose.add(store);
        SearchCache cache = TenantIsolationTest.openCache(cacheKind, toClose);
        TenantIsolationTest.searchAndWriteAtRandom(data, store, cache, toClose);
    }
}
