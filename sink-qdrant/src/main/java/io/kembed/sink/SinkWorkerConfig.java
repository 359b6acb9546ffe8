package io.kembed.sink;

import io.kembed.core.kafka.TopicNames;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of a sink instance (one consumer-group member reading the vectors topic).
 *
 * @param bootstrapServers Kafka {@code bootstrap.servers}
 * @param groupId consumer group; default {@code kembed-sink-<collection>}, one group per target collection
 * @param topics topic names
 * @param modelId the model whose vectors this sink writes: it reads {@code topics.vectors(modelId)}
 * @param maxPollRecords records per poll, and so per store write batch; default 500
 * @param retryBackoffMin first wait after a store failure; default 200 ms, doubling
 * @param retryBackoffMax longest wait between store retries; default 10 s
 * @param commitInterval under load, the longest between store commits (and offset commits); an idle sink commits
 *     at once; default 1 s
 * @param kafkaProperties further consumer/producer properties, passed through untouched (security settings)
 * @param tenant the one tenant whose vectors this sink writes, or null for every tenant (the default): the sink of
 *     a tenant re-embed skips other tenants' records of the model's vectors topic (counted)
 */
public record SinkWorkerConfig(String bootstrapServers, String groupId, TopicNames topics, String modelId,
        int maxPollRecords, Duration retryBackoffMin, Duration retryBackoffMax, Duration commitInterval,
        Map<String, Object> kafkaProperties, String tenant) {

    public SinkWorkerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(modelId, "modelId");
        if (maxPollRecords < 1) {
            throw new IllegalArgumentException("maxPollRecords must be >= 1");
        }
        if (retryBackoffMin.isNegative() || retryBackoffMax.compareTo(retryBackoffMin) < 0) {
            throw new IllegalArgumentException("need 0 <= retryBackoffMin <= retryBackoffMax");
        }
        Objects.requireNonNull(commitInterval, "commitInterval");
        kafkaProperties = kafkaProperties == null ? Map.of() : Map.copyOf(kafkaProperties);
        if (tenant != null && tenant.isEmpty()) {
            throw new IllegalArgumentException("tenant must be null (every tenant) or a tenant id");
        }
    }

    /** Every tenant. */
    public SinkWorkerConfig(String bootstrapServers, String groupId, TopicNames topics, String modelId,
            int maxPollRecords, Duration retryBackoffMin, Duration retryBackoffMax, Duration commitInterval,
            Map<String, Object> kafkaProperties) {
        this(bootstrapServers, groupId, topics, modelId, maxPollRecords, retryBackoffMin, retryBackoffMax,
                commitInterval, kafkaProperties, null);
    }

    /** Defaults for everything but the cluster, the target collection and the model whose vectors it writes. */
    public static SinkWorkerConfig defaults(String bootstrapServers, String collection, String modelId) {
        return new SinkWorkerConfig(bootstrapServers, defaultGroupId(collection), TopicNames.DEFAULT, modelId, 500,
                Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(1), Map.of());
    }

    /** The topic this sink reads: {@link TopicNames#vectors(String) topics.vectors(modelId)}. */
    public String vectorsTopic() {
        return topics.vectors(modelId);
    }

    public static String defaultGroupId(String collection) {
        return "kembed-sink-" + collection;
    }

    /** Like the record's, with secret Kafka properties ({@code sasl.jaas.config}, passwords) redacted. */
    @Override
    public String toString() {
        return "SinkWorkerConfig[bootstrapServers=" + bootstrapServers + ", groupId=" + groupId + ", topics="
                + topics + ", modelId=" + modelId + ", maxPollRecords=" + maxPollRecords + ", retryBackoffMin="
                + retryBackoffMin + ", retryBackoffMax=" + retryBackoffMax + ", commitInterval=" + commitInterval
                + ", kafkaProperties=" + io.kembed.core.ops.Redaction.redact(kafkaProperties)
                + (tenant == null ? "" : ", tenant=" + tenant) + "]";
    }

    public SinkWorkerConfig withTopics(TopicNames newTopics) {
        return new SinkWorkerConfig(bootstrapServers, groupId, newTopics, modelId, maxPollRecords, retryBackoffMin,
                retryBackoffMax, commitInterval, kafkaProperties, tenant);
    }

    public SinkWorkerConfig withKafkaProperties(Map<String, Object> props) {
        return new SinkWorkerConfig(bootstrapServers, groupId, topics, modelId, maxPollRecords, retryBackoffMin,
                retryBackoffMax, commitInterval, props, tenant);
    }

    /** @param only the one tenant to write, or null for every tenant */
    public SinkWorkerConfig withTenant(String only) {
        return new SinkWorkerConfig(bootstrapServers, groupId, topics, modelId, maxPollRecords, retryBackoffMin,
                retryBackoffMax, commitInterval, kafkaProperties, only);
    }

    /** @param id the consumer group */
    public SinkWorkerConfig withGroupId(String id) {
        return new SinkWorkerConfig(bootstrapServers, id, topics, modelId, maxPollRecords, retryBackoffMin,
                retryBackoffMax, commitInterval, kafkaProperties, tenant);
    }
}
