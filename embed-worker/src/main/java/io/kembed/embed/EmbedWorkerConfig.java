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
 * @param tenant the one tenant this worker embeds, or null for every tenant (the default): a tenant re-embed
 *     ({@code kembed reembed start --tenant T}) reads the whole change topics and skips other tenants' records by
 *     their key, before decoding them
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
        boolean interactiveLane,
        String tenant) {

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
        if (tenant != null && tenant.isEmpty()) {
            throw new IllegalArgumentException("tenant must be null (every tenant) or a tenant id");
        }
    }

    /** Everything but {@code tenant}: every tenant. */
    public EmbedWorkerConfig(String bootstrapServers, String applicationId, TopicNames topics, ModelSpec model,
            int maxPendingPerTask, Duration flushInterval, Duration commitInterval, int chunkOverlapTokens,
            EventLimits limits, Path stateDir, int streamThreads, Map<String, Object> kafkaProperties,
            boolean interactiveLane) {
        this(bootstrapServers, applicationId, topics, model, maxPendingPerTask, flushInterval, commitInterval,
                chunkOverlapTokens, limits, stateDir, streamThreads, kafkaProperties, interactiveLane, null);
    }

    /** Kafka Streams' main consumer {@code max.poll.interval.ms} unless {@link #kafkaProperties()} set it. */
    public static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofMinutes(5);
    /**
     * Producer {@code transaction.timeout.ms} unless {@link #kafkaProperties()} set it: Streams' exactly-once default
     * is 10 s, and a transaction spans at least part of a flush.
     */
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(2);

    /**
     * @return the main consumer's {@code max.poll.interval.ms}: {@code main.consumer.}, {@code consumer.} or plain
     *     {@code max.poll.interval.ms} from {@link #kafkaProperties()} (Streams' precedence), else
     *     {@link #DEFAULT_MAX_POLL_INTERVAL}
     * @throws NumberFormatException if the property is not an integer
     */
    public Duration maxPollInterval() {
        return durationProperty(DEFAULT_MAX_POLL_INTERVAL, "main.consumer.max.poll.interval.ms",
                "consumer.max.poll.interval.ms", "max.poll.interval.ms");
    }

    /**
     * @return the producer's {@code transaction.timeout.ms} ({@code producer.} or plain, from
     *     {@link #kafkaProperties()}), else {@link #DEFAULT_TRANSACTION_TIMEOUT}
     */
    public Duration transactionTimeout() {
        return durationProperty(DEFAULT_TRANSACTION_TIMEOUT, "producer.transaction.timeout.ms",
                "transaction.timeout.ms");
    }

    /**
     * The most time a stream thread spends embedding between two polls before it stops starting new work: half of
     * the smaller of {@link #maxPollInterval()} and {@link #transactionTimeout()} (300 s and 120 s by default: 60 s).
     * Streams polls only between processing loops, so a flush longer than {@code max.poll.interval.ms} would make the
     * consumer leave the group and its partitions be embedded again by another instance; a transaction older than its
     * timeout is aborted by the broker. A flush exceeds the budget by at most one slice of 32 texts and the commit.
     */
    public Duration flushBudget() {
        Duration tighter = maxPollInterval().compareTo(transactionTimeout()) < 0 ? maxPollInterval()
                : transactionTimeout();
        return tighter.dividedBy(2).isZero() ? Duration.ofNanos(1) : tighter.dividedBy(2);
    }

    private Duration durationProperty(Duration fallback, String... keys) {
        for (String key : keys) {
            Object value = kafkaProperties.get(key);
            if (value != null) {
                return Duration.ofMillis(Long.parseLong(value.toString().trim()));
            }
        }
        return fallback;
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
                interactiveLane, tenant);
    }

    /** Like the record's, with secret Kafka properties ({@code sasl.jaas.config}, passwords) redacted. */
    @Override
    public String toString() {
        return "EmbedWorkerConfig[bootstrapServers=" + bootstrapServers + ", applicationId=" + applicationId
                + ", topics=" + topics + ", model=" + model.id() + ", maxPendingPerTask=" + maxPendingPerTask
                + ", flushInterval=" + flushInterval + ", commitInterval=" + commitInterval
                + ", chunkOverlapTokens=" + chunkOverlapTokens + ", limits=" + limits + ", stateDir=" + stateDir
                + ", streamThreads=" + streamThreads + ", kafkaProperties="
                + io.kembed.core.ops.Redaction.redact(kafkaProperties) + ", interactiveLane=" + interactiveLane
                + (tenant == null ? "" : ", tenant=" + tenant) + "]";
    }

    public EmbedWorkerConfig withKafkaProperties(Map<String, Object> props) {
        return new EmbedWorkerConfig(bootstrapServers, applicationId, topics, model, maxPendingPerTask,
                flushInterval, commitInterval, chunkOverlapTokens, limits, stateDir, streamThreads, props, interactiveLane, tenant);
    }

    /** @param on whether queries served in this process get priority over bulk inference ({@link PriorityGate}) */
    public EmbedWorkerConfig withInteractiveLane(boolean on) {
        return new EmbedWorkerConfig(bootstrapServers, applicationId, topics, model, maxPendingPerTask,
                flushInterval, commitInterval, chunkOverlapTokens, limits, stateDir, streamThreads, kafkaProperties,
                on, tenant);
    }

    /** @param id Streams application id (consumer group); null or blank for {@link #defaultApplicationId} */
    public EmbedWorkerConfig withApplicationId(String id) {
        return new EmbedWorkerConfig(bootstrapServers, id, topics, model, maxPendingPerTask, flushInterval,
                commitInterval, chunkOverlapTokens, limits, stateDir, streamThreads, kafkaProperties, interactiveLane, tenant);
    }

    /** @param only the one tenant to embed, or null for every tenant */
    public EmbedWorkerConfig withTenant(String only) {
        return new EmbedWorkerConfig(bootstrapServers, applicationId, topics, model, maxPendingPerTask, flushInterval,
                commitInterval, chunkOverlapTokens, limits, stateDir, streamThreads, kafkaProperties, interactiveLane,
                only);
    }

    /** @param threads Streams threads, each embedding with its own one-thread ONNX Runtime caller */
    public EmbedWorkerConfig withStreamThreads(int threads) {
        return new EmbedWorkerConfig(bootstrapServers, applicationId, topics, model, maxPendingPerTask, flushInterval,
                commitInterval, chunkOverlapTokens, limits, stateDir, threads, kafkaProperties, interactiveLane, tenant);
    }
}
