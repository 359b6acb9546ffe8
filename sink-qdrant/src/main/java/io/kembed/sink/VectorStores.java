package io.kembed.sink;

import io.kembed.core.store.VectorStore;
import io.kembed.core.store.VectorStoreException;
import io.kembed.sink.lucene.LuceneVectorStore;
import io.kembed.sink.qdrant.QdrantStoreConfig;
import io.kembed.sink.qdrant.QdrantVectorStore;
import java.nio.file.Path;

/**
 * Opens the {@link VectorStore} backends: an embedded Lucene index (kembed's embedded mode, no server) or a Qdrant
 * collection. Both pass the same contract test, so callers may switch between them freely.
 */
public final class VectorStores {

    private VectorStores() {
    }

    /**
     * Opens (or creates) collection {@code collection} in {@code dir/<collection>/}: see
     * {@link LuceneVectorStore#open(Path, String, int)}.
     *
     * @param dims vector dimensions, 1 to {@value LuceneVectorStore#MAX_DIMS}
     * @throws IllegalArgumentException for a bad name or dims, or a collection made with other dims
     * @throws VectorStoreException if the index cannot be opened
     */
    public static VectorStore lucene(Path dir, String collection, int dims) {
        return LuceneVectorStore.open(dir, collection, dims);
    }

    /**
     * Connects to Qdrant and prepares the collection: see {@link QdrantVectorStore#connect(QdrantStoreConfig)}.
     *
     * @throws IllegalArgumentException if the collection exists with another vector size or distance
     * @throws VectorStoreException if Qdrant is unreachable (retriable)
     */
    public static VectorStore qdrant(QdrantStoreConfig config) {
        return QdrantVectorStore.connect(config);
    }
}
