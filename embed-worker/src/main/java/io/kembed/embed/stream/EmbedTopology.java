package io.kembed.embed.stream;

import io.kembed.core.event.ChangeEventCodec;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.EmbedMetrics;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.embed.InferenceLane;
import io.kembed.embed.PassageEncoder;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The embed worker's Streams topology: change topics → ({@link TenantFilter} for a one-tenant worker) →
 * {@link EmbedProcessor} (with the per-entity state store
 * and the pending buffer) → vectors topic and dead-letter topic. Keys and values stay raw bytes so that no
 * record can fail deserialisation inside Streams: the processor decodes and dead-letters what is invalid.
 */
public final class EmbedTopology {

    public static final String SOURCE = "changes";
    public static final String PROCESSOR = "embed";
    /** In front of {@link #PROCESSOR} when the worker embeds one tenant only ({@code EmbedWorkerConfig.tenant}). */
    public static final String TENANT_FILTER = "tenant-filter";
    public static final String VECTORS_SINK = "vectors";
    public static final String DLQ_SINK = "dead-letters";
    /** Per entity: last applied version, text hash, chunk count (persistent, changelogged). */
    public static final String STATE_STORE = "entity-state";
    /** Accepted upserts waiting to be embedded (in memory, changelogged). */
    public static final String PENDING_STORE = "pending-changes";

    private EmbedTopology() {
    }

    public static Topology build(EmbedWorkerConfig config, BiEncoder encoder, EmbedMetrics metrics) {
        return build(config, encoder, metrics, InferenceLane.UNGATED);
    }

    /** @param lane admits every ONNX run of the processor (for example {@code PriorityGate.bulkLane()}) */
    public static Topology build(EmbedWorkerConfig config, BiEncoder encoder, EmbedMetrics metrics,
            InferenceLane lane) {
        return build(config, encoder, encoder::embedPassages, metrics, lane);
    }

    /**
     * @param passages what embeds the passages of a flush: {@code encoder::embedPassages}, or a wrapper of it that
     *     injects failures (tests of poison isolation); {@code encoder} still chunks documents and names the model
     * @param lane admits every ONNX run of the processor (for example {@code PriorityGate.bulkLane()})
     */
    public static Topology build(EmbedWorkerConfig config, BiEncoder encoder, PassageEncoder passages,
            EmbedMetrics metrics, InferenceLane lane) {
        ChangeEventCodec codec = new ChangeEventCodec(config.limits());
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                config.topics().changeTopics().toArray(String[]::new));
        String upstream = SOURCE;
        if (config.tenant() != null) {
            topology.addProcessor(TENANT_FILTER, () -> new TenantFilter(config.tenant(),
                    () -> metrics.count(io.kembed.embed.EmbedMetrics.Outcome.OTHER_TENANT)), SOURCE);
            upstream = TENANT_FILTER;
        }
        topology.addProcessor(PROCESSOR, () -> new EmbedProcessor(encoder, passages, lane, codec, metrics,
                config.maxPendingPerTask(), config.flushInterval(), config.chunkOverlapTokens(), config.flushBudget()),
                upstream);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATE_STORE),
                Serdes.String(), EntityState.serde()), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PENDING_STORE),
                Serdes.String(), PendingChange.serde()).withLoggingEnabled(Map.of()), PROCESSOR);
        topology.addSink(VECTORS_SINK, config.topics().vectors(config.model().id()), new ByteArraySerializer(),
                new ByteArraySerializer(), PROCESSOR);
        topology.addSink(DLQ_SINK, config.topics().deadLetter(), new ByteArraySerializer(),
                new ByteArraySerializer(), PROCESSOR);
        return topology;
    }
}
