package io.kembed.app.cli;

import io.kembed.app.pipeline.PipelineOptions;
import io.kembed.core.model.ModelSpec;
import io.kembed.core.store.VectorStore;
import io.kembed.sink.VectorStores;
import io.kembed.sink.qdrant.QdrantStoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Which vector store to write to or search. */
public final class StoreOptions {

    /** The backends. */
    public enum Backend { lucene, qdrant }

    @Option(names = "--store", defaultValue = "${env:KEMBED_STORE:-lucene}",
            description = "Vector store: lucene (embedded, on disk) or qdrant (default: ${DEFAULT-VALUE}).")
    Backend backend;

    @Option(names = "--lucene-dir", defaultValue = "${env:KEMBED_LUCENE_DIR:-.kembed/lucene}",
            description = "Directory of the embedded Lucene store (default: ${DEFAULT-VALUE}).")
    Path luceneDir;

    @Option(names = "--qdrant-host", defaultValue = "${env:KEMBED_QDRANT_HOST:-localhost}",
            description = "Qdrant host (default: ${DEFAULT-VALUE}).")
    String qdrantHost;

    @Option(names = "--qdrant-port", defaultValue = "${env:KEMBED_QDRANT_PORT:-6334}",
            description = "Qdrant gRPC port (default: ${DEFAULT-VALUE}).")
    int qdrantPort;

    @Option(names = "--qdrant-tls", defaultValue = "${env:KEMBED_QDRANT_TLS:-false}",
            description = "Use TLS to Qdrant.")
    boolean qdrantTls;

    @Option(names = "--qdrant-api-key", defaultValue = "${env:KEMBED_QDRANT_API_KEY}",
            description = "Qdrant API key (env KEMBED_QDRANT_API_KEY; never logged).", arity = "0..1",
            interactive = false)
    String qdrantApiKey;

    @Option(names = "--collection", description = "Collection name (default: kembed__<model id>).")
    String collection;

    public String collection(ModelSpec model) {
        return collection != null ? collection : PipelineOptions.defaultCollection(model);
    }

    public Backend backend() {
        return backend;
    }

    public Path luceneDir() {
        return luceneDir;
    }

    /** Opens (creating if needed) the collection for {@code model}. */
    public VectorStore open(ModelSpec model) {
        return open(collection(model), model.dims());
    }

    /** The store's aliases: Qdrant's own, or the Lucene directory's alias files. */
    public io.kembed.core.store.CollectionAliases aliases() {
        if (backend == Backend.qdrant) {
            return io.kembed.sink.qdrant.QdrantAliases.connect(new QdrantStoreConfig(qdrantHost, qdrantPort,
                    qdrantTls, qdrantApiKey, "unused", 1, Duration.ofSeconds(30)));
        }
        return io.kembed.sink.lucene.LuceneAliases.open(luceneDir);
    }

    /** Opens (creating if needed) collection {@code name} of {@code dims}-dimensional vectors. */
    public VectorStore open(String name, int dims) {
        if (backend == Backend.qdrant) {
            return VectorStores.qdrant(new QdrantStoreConfig(qdrantHost, qdrantPort, qdrantTls, qdrantApiKey,
                    name, dims, Duration.ofSeconds(30)));
        }
        return VectorStores.lucene(luceneDir, name, dims);
    }
}
