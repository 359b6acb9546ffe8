package io.kembed.app.reembed;

import io.kembed.core.store.VectorStore;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.EmbedWorker;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.sink.SinkWorker;
import io.kembed.sink.SinkWorkerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The new model's embed worker and sink of a re-embed, run in this process: the production {@link EmbedWorker}
 * (group {@code kembed-embed-<model>}) and {@link SinkWorker} (group {@code kembed-sink-<alias>__<model>}) writing
 * to {@code store}, the collection {@code <alias>__<model>}. {@code kembed reembed start} runs them unless told to
 * leave them to {@code kembed worker embed|sink --model M} deployments. Closing stops both (the store and the
 * encoder stay the caller's).
 */
public final class ReembedWorkers implements AutoCloseable {

    private final EmbedWorker embed;
    private final SinkWorker sink;

    private ReembedWorkers(EmbedWorker embed, SinkWorker sink) {
        this.embed = embed;
        this.sink = sink;
    }

    /**
     * Starts the workers of {@code state}'s new model.
     *
     * @param encoder the new model, loaded by the caller ({@code encoder.spec().id()} must be
     *     {@code state.toModel()})
     * @param store the collection {@code state.toCollection()}, opened by the caller
     * @param stateDir Kafka Streams state directory
     * @param onTenantsWritten called after each stored batch with its tenants (the search cache's generation bump)
     * @throws IllegalArgumentException if the encoder or the store is not the new model's
     */
    public static ReembedWorkers start(Reembed reembed, ReembedState state, BiEncoder encoder, VectorStore store,
            Path stateDir, MeterRegistry registry, Consumer<Set<String>> onTenantsWritten) {
        if (!encoder.spec().id().equals(state.toModel())) {
            throw new IllegalArgumentException("encoder is " + encoder.spec().id() + ", the re-embed is to "
                    + state.toModel());
        }
        return forModel(reembed, encoder, store, stateDir, registry, onTenantsWritten);
    }

    /**
     * Starts the embed worker and sink of {@code encoder}'s model into its collection under the re-embed's alias,
     * {@code <alias>__<model>} (for one tenant {@code <tenant alias>__<model>}, both workers passing only that
     * tenant's records): what a model's {@code kembed worker embed} and {@code worker sink} run.
     *
     * @throws IllegalArgumentException if {@code store} is not that collection
     */
    public static ReembedWorkers forModel(Reembed reembed, BiEncoder encoder, VectorStore store, Path stateDir,
            MeterRegistry registry, Consumer<Set<String>> onTenantsWritten) {
        String modelId = encoder.spec().id();
        String collection = io.kembed.core.store.CollectionNames.of(reembed.scopeAlias(), modelId);
        if (!store.collection().equals(collection)) {
            throw new IllegalArgumentException("store is " + store.collection() + ", " + modelId + " writes "
                    + collection);
        }
        String bootstrap = (String) reembed.clientProperties().get("bootstrap.servers");
        Map<String, Object> props = new java.util.HashMap<>(reembed.clientProperties());
        props.remove("bootstrap.servers");
        EmbedWorkerConfig embedConfig = EmbedWorkerConfig.defaults(bootstrap, encoder.spec(), stateDir)
                .withTopics(reembed.topics()).withKafkaProperties(props)
                .withApplicationId(reembed.embedGroupOf(modelId)).withTenant(reembed.tenant());
        SinkWorkerConfig sinkConfig = SinkWorkerConfig.defaults(bootstrap, collection, modelId)
                .withTopics(reembed.topics()).withKafkaProperties(props)
                .withGroupId(reembed.sinkGroupOf(modelId)).withTenant(reembed.tenant());
        EmbedWorker embed = EmbedWorker.start(embedConfig, encoder, registry);
        try {
            SinkWorker sink = SinkWorker.start(sinkConfig, store, registry, onTenantsWritten);
            return new ReembedWorkers(embed, sink);
        } catch (RuntimeException e) {
            embed.close();
            throw e;
        }
    }

    /**
     * Whether everything on the change topics is in the store: the embed group has no lag and nothing buffered,
     * and the sink group has no lag on the vectors topic.
     */
    public boolean isDrained(org.apache.kafka.clients.admin.Admin admin) {
        return embed.metrics().pending() == 0
                && io.kembed.core.kafka.ConsumerLag.totalLag(admin, embed.config().applicationId(),
                        embed.config().topics().changeTopics()) == 0
                && io.kembed.core.kafka.ConsumerLag.totalLag(admin, sink.groupId(),
                        java.util.List.of(sink.config().vectorsTopic())) == 0;
    }

    public EmbedWorker embed() {
        return embed;
    }

    public SinkWorker sink() {
        return sink;
    }

    /** Stops the sink, then the embed worker. */
    @Override
    public void close() {
        try {
            sink.close();
        } finally {
            embed.close();
        }
    }
}
