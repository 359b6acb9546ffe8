package io.kembed.embed;

import io.kembed.core.event.EventLimits;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.model.ModelSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of one embed worker instance (a Kafka Streams application; instances with the same
 * {@link #applicationId()} form one consumer group and share the change topics' partitions).
 *
 * @param bootstrapServers Kafka {@code bootstrap.servers}
 * @param applicationId Streams application id = consumer group; default {@code kembed-embed-<model id>}, so each
 *     model keeps its own offsets and its own per-entity state
 * @param topics topic names
 * @param model the bi-encoder
 * @param maxPendingPerTask changes buffered per task (partition) before they are embedded as one length-sorted
 *     batch; default 64
 * @param flushInterval longest a buffered change waits before it is embedded; default 200 ms
 * @param commitInterval Streams {@code commit.interval.ms}: how often the transaction (vectors + offsets) commits;
 *     default 200 ms
 * @param chunkOverlapTokens tokens shared by consecutive chunks of a long document; default 64
 * @param limits event size limits
 * @param stateDir Streams {@code state.dir} for the per-entity state store
 * @param streamThreads Streams threads; default one per core, each embedding its own tasks' batches with an
 *     encoder of one intra-op thread ({@code BiEncoderOptions.forWorker}): data parallelism beat intra-op
 *     parallelism for these small models on 2 cores
 * @param kafkaProperties any further Kafka/Streams properties, passed through untouched (security settings)
 * @param interactiveLane whether query embedding served in the same process has priority over this worker's bulk
 *     inference ({@link PriorityGate}: bulk runs wait while queries are served, and runs in progress are stopped
 *     and re-run); default true. Off, both share the cores with no priority
 */
public record EmbedWorkerConfig(
        String bootstrapServers,
        String applicationId,
        TopicNames topics,
        ModelSpec model,
        int maxPendingPerTask,
        Duration flushInterval,
        Duration commitInterval,
        int chunkOverlapTokens,
        EventLimits limits,
        Path stateDir,
        int streamThreads,
        Map<String, Object> kafkaProperties,
        boolean interactiveLane) {

    public static final int DEFAULT_MAX_PENDING_PER_TASK = 64;
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(200);
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(200);
    public static final int DEFAULT_CHUNK_OVERLAP_TOKENS = 64;
    public static final boolean DEFAULT_INTERACTIVE_LANE = true;

    public EmbedWorkerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(stateDir, "stateDir");
        if (applicationId == null || applicationId.isBlank()) {
            applicationId = defaultApplicationId(model.id());
        }
        if (maxPendingPerTask < 1) {
            throw new IllegalArgumentException("maxPendingPerTask must be >= 1, got " + maxPendingPerTask);
        }
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("flushInterval must be > 0");
        }
        if (chunkOverlapTokens < 0 || chunkOverlapTokens >= model.maxTokens() / 2) {
            throw new IllegalArgumentException("chunkOverlapTokens must be in [0, maxTokens/2), got "
                    + chunkOverlapTokens);
        }
        if (streamThreads < 1) {
            throw new IllegalArgumentException("streamThreads must be >= 1");
        }
        limits = limits == null ? EventLimits.DEFAULT : limits;
        kafkaProperties = kafkaProperties == null ? Map.of() : Map.copyOf(kafkaProperties);
    }

    /** Everything but {@code interactiveLane}, which gets {@link #DEFAULT_INTERACTIVE_LANE}. */
    public EmbedWorkerConfig(String bootstrapServers, String applicationId, TopicNames topics, ModelSpec model,
            int maxPendingPerTask, Duration flushInterval, Duration commitInterval, int chunkOverlapTokens,
            EventLimits limits, Path stateDir, int streamThreads, Map<String, Object> kafkaProperties) {
        this(bootstrapServers, applicationId, topics, model, maxPendingPerTask, flushInterval, commitInterval,
                chunkOverlapTokens, limits, stateDir, streamThreads, kafkaProperties, DEFAULT_INTERACTIVE_LANE);
    }

    /** Defaults for everything but the cluster, model and state directory. */
    public static EmbedWorkerConfig defaults(String bootstrapServers, ModelSpec model, Path stateDir) {
        return new EmbedWorkerConfig(bootstrapServers, null, TopicNames.DEFAULT, model, DEFAULT_MAX_PENDING_PER_TASK,
                DEFAULT_FLUSH_INTERVAL, DEFAULT_COMMIT_INTERVAL, DEFAULT_CHUNK_OVERLAP_TOKENS, EventLimits.DEFAULT,
                stateDir, Runtime.getRuntime().availableProcessors(), Map.of());
    }

    public static String defaultApplicationId(String modelId) {
        return "kembed-embed-" + modelId.replaceAll("[^a-zA-Z0-9._-]", "_");
    }

    public EmbedWorkerConfig withTopics(TopicNames newTopics) {
        return new EmbedWorkerConfig(bootstrapServers, applicationId, newTopics, model, maxPendingPerTask,
                flushInterval, commitInterval, chunkOverlapTokens, limits, stateDir, streamThreads, kafkaProperties,
                interactiveLane);
    }

    /** Like the record's, with secret Kafka properties ({@code sasl.jaas.config}, passwords) redacted. */
    @Override
    public String toString() {
        return "EmbedWorkerConfig[bootstrapServers=" + bootstrapServers + ", applicationId=" + applicationId
                + ", topics=" + topics + ", model=" + model.id() + ", maxPendingPerTask=" + maxPendingPerTask
                + ", flushInterval=" + flushInterval + ", commitInterval=" + commitInterval
                + ", chunkOverlapTokens=" + chunkOverlapTokens + ", limits=" + limits + ", stateDir=" + stateDir
                + ", streamThreads=" + streamThreads + ", kafkaProperties="
                + io.kembed.core.ops.Redaction.redact(kafkaProperties) + ", interactiveLane=" + interactiveLane + "]";
    }

    public EmbedWorkerConfig withKafkaProperties(Map<String, Object> props) {
        return new EmbedWorkerConfig(bootstrapServers, applicationId, topics, model, maxPendingPerTask,
                flushInterval, commitInterval, chunkOverlapTokens, limits, stateDir, streamThreads, props, interactiveLane);
    }

    /** @param on whether queries served in this process get priority over bulk inference ({@link PriorityGate}) */
    public EmbedWorkerConfig withInteractiveLane(boolean on) {
        return new EmbedWorkerConfig(bootstrapServers, applicationId, topics, model, maxPendingPerTask,
                flushInterval, commitInterval, chunkOverlapTokens, limits, stateDir, streamThreads, kafkaProperties,
                on);
    }

    /** @param id Streams application id (consumer group); null or blank for {@link #defaultApplicationId} */
    public EmbedWorkerConfig withApplicationId(String id) {
        return new EmbedWorkerConfig(bootstrapServers, id, topics, model, maxPendingPerTask, flushInterval,
                commitInterval, chunkOverlapTokens, limits, stateDir, streamThreads, kafkaProperties, interactiveLane);
    }

    /** @param threads Streams threads, each embedding with its own one-thread ONNX Runtime caller */
    public EmbedWorkerConfig withStreamThreads(int threads) {
        return new EmbedWorkerConfig(bootstrapServers, applicationId, topics, model, maxPendingPerTask, flushInterval,
                commitInterval, chunkOverlapTokens, limits, stateDir, threads, kafkaProperties, interactiveLane);
    }
}
