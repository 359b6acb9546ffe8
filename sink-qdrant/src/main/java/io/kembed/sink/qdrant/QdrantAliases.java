package io.kembed.sink.qdrant;

import io.kembed.core.store.CollectionAliases;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Collections.AliasDescription;
import io.qdrant.client.grpc.Collections.AliasOperations;
import io.qdrant.client.grpc.Collections.CreateAlias;
import io.qdrant.client.grpc.Collections.DeleteAlias;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link CollectionAliases} on Qdrant's native collection aliases. A swap is one {@code UpdateAliases} call holding
 * a delete of the alias (when it exists) and its creation on the new collection: Qdrant applies the operations of
 * one call atomically, so no search through the alias finds it missing.
 *
 * <p>Failures as in {@link QdrantVectorStore}: transient gRPC codes become {@code VectorStoreException}
 * (retriable), {@code INVALID_ARGUMENT} {@link IllegalArgumentException}, anything else
 * {@link IllegalStateException}. The client is the caller's (not closed here).
 */
public final class QdrantAliases implements CollectionAliases {

    private final QdrantClient client;
    private final Duration timeout;
    private final io.grpc.ManagedChannel ownedChannel; // null when the caller owns the client

    /**
     * @param client a connected client, owned by the caller (not closed by {@link #close()})
     * @param timeout deadline of each call
     */
    public QdrantAliases(QdrantClient client, Duration timeout) {
        this(client, timeout, null);
    }

    private QdrantAliases(QdrantClient client, Duration timeout, io.grpc.ManagedChannel ownedChannel) {
        this.client = Objects.requireNonNull(client, "client");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.ownedChannel = ownedChannel;
    }

    /**
     * Connects to the Qdrant of {@code config} (its host, port, TLS, API key and timeout; the collection is not
     * used). The aliases own the connection and close it in {@link #close()}.
     */
    public static QdrantAliases connect(QdrantStoreConfig config) {
        io.grpc.ManagedChannelBuilder<?> builder = io.grpc.ManagedChannelBuilder.forAddress(config.host(),
                config.grpcPort());
        if (config.useTls()) {
            builder.useTransportSecurity();
        } else {
            builder.usePlaintext();
        }
        io.grpc.ManagedChannel channel = builder.build();
        io.qdrant.client.QdrantGrpcClient.Builder grpc = io.qdrant.client.QdrantGrpcClient.newBuilder(channel,
                false, false);
        if (config.apiKey() != null) {
            grpc.withApiKey(config.apiKey());
        }
        return new QdrantAliases(new QdrantClient(grpc.build()), config.timeout(), channel);
    }

    @Override
    public void close() {
        if (ownedChannel != null) {
            client.close();
            ownedChannel.shutdownNow();
        }
    }

    /**
     * The operations of one atomic swap: delete {@code alias} if it {@code exists}, then create it on
     * {@code collection}.
     */
    static List<AliasOperations> swapOperations(String alias, String collection, boolean exists) {
        List<AliasOperations> ops = new ArrayList<>(2);
        if (exists) {
            ops.add(AliasOperations.newBuilder()
                    .setDeleteAlias(DeleteAlias.newBuilder().setAliasName(alias)).build());
        }
        ops.add(AliasOperations.newBuilder()
                .setCreateAlias(CreateAlias.newBuilder().setAliasName(alias).setCollectionName(collection)).build());
        return ops;
    }

    @Override
    public Optional<String> resolve(String alias) {
        return Optional.ofNullable(list().get(CollectionAliases.checkName("alias", alias)));
    }

    /** One ListAliases call for all of them. */
    @Override
    public Optional<Map.Entry<String, String>> resolveFirst(java.util.List<String> aliases) {
        Map<String, String> all = list();
        for (String alias : aliases) {
            String c = all.get(CollectionAliases.checkName("alias", alias));
            if (c != null) {
                return Optional.of(Map.entry(alias, c));
            }
        }
        return Optional.empty();
    }

    @Override
    public void swap(String alias, String collection) {
        CollectionAliases.checkName("alias", alias);
        CollectionAliases.checkName("collection", collection);
        boolean exists = list().containsKey(alias);
        GrpcCalls.await(client.updateAliasesAsync(swapOperations(alias, collection, exists), timeout), timeout,
                "point alias " + alias + " at " + collection);
    }

    @Override
    public void delete(String alias) {
        if (list().containsKey(CollectionAliases.checkName("alias", alias))) {
            GrpcCalls.await(client.deleteAliasAsync(alias, timeout), timeout, "delete alias " + alias);
        }
    }

    @Override
    public void dropCollection(String collection) {
        CollectionAliases.checkName("collection", collection);
        if (list().containsValue(collection)) {
            throw new IllegalStateException("an alias still points at " + collection + ": " + list());
        }
        if (GrpcCalls.await(client.collectionExistsAsync(collection, timeout), timeout, "check " + collection)) {
            GrpcCalls.await(client.deleteCollectionAsync(collection, timeout), timeout, "drop " + collection);
        }
    }

    @Override
    public Map<String, String> list() {
        List<AliasDescription> aliases = GrpcCalls.await(client.listAliasesAsync(timeout), timeout, "list aliases");
        Map<String, String> out = new TreeMap<>();
        aliases.forEach(a -> out.put(a.getAliasName(), a.getCollectionName()));
        return out;
    }
}
