package io.kembed.sink.qdrant;

import io.kembed.core.store.VectorStore;
import io.kembed.sink.VectorStoreContract;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.qdrant.QdrantContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The store contract against a real Qdrant in a container: the check that {@link FakeQdrantServer} and
 * {@link QdrantVectorStore} agree with Qdrant itself. Skipped, not failed, where no Docker engine runs. The image
 * is {@value #DEFAULT_IMAGE} (the server minor matching the client), or {@code -Dkembed.qdrant.image=...}.
 */
@Testcontainers(disabledWithoutDocker = true)
class QdrantContainerIT extends VectorStoreContract {

    static final String DEFAULT_IMAGE = "qdrant/qdrant:v1.18.0";

    @Container
    static final QdrantContainer QDRANT = new QdrantContainer(DockerImageName
            .parse(System.getProperty("kembed.qdrant.image", DEFAULT_IMAGE))
            .asCompatibleSubstituteFor("qdrant/qdrant"));

    @Override
    protected VectorStore open(String collection, int dims) {
        return QdrantVectorStore.connect(QdrantStoreConfig.local(collection, dims)
                .withEndpoint(QDRANT.getHost(), QDRANT.getGrpcPort(), false));
    }
}
