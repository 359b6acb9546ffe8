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
 * @param maxPollRecords records per poll, and so per store write batch; default 500
 * @param retryBackoffMin first wait after a store failure; default 200 ms, doubling
 * @param retryBackoffMax longest wait between store retries; default 10 s
 * @param commitInterval under load, the longest between store commits (and offset commits); an idle sink commits
 *     at once; default 1 s
 * @param kafkaProperties further consumer/producer properties, passed through untouched (security settings)
 */
public record SinkWorkerConfig(String bootstrapServers, String groupId, TopicNames topics, int maxPollRecords,
        Duration retryBackoffMin, Duration retryBackoffMax, Duration commitInterval,
        Map<String, Object> kafkaProperties) {

    public SinkWorkerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topics, "topics");
        if (maxPollRecords < 1) {
            throw new IllegalArgumentException("maxPollRecords must be >= 1");
        }
        if (retryBackoffMin.isNegative() || retryBackoffMax.compareTo(retryBackoffMin) < 0) {
            throw new IllegalArgumentException("need 0 <= retryBackoffMin <= retryBackoffMax");
        }
        Objects.requireNonNull(commitInterval, "commitInterval");
        kafkaProperties = kafkaProperties == null ? Map.of() : Map.copyOf(kafkaProperties);
    }

    public static SinkWorkerConfig defaults(String bootstrapServers, String collection) {
        return new SinkWorkerConfig(bootstrapServers, defaultGroupId(collection), TopicNames.DEFAULT, 500,
                Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(1), Map.of());
    }

    public static String defaultGroupId(String collection) {
        return "kembed-sink-" + collection;
    }

    /** Like the record's, with secret Kafka properties ({@code sasl.jaas.config}, passwords) redacted. */
    @Override
    public String toString() {
        return "SinkWorkerConfig[bootstrapServers=" + bootstrapServers + ", groupId=" + groupId + ", topics="
                + topics + ", maxPollRecords=" + maxPollRecords + ", retryBackoffMin=" + retryBackoffMin
                + ", retryBackoffMax=" + retryBackoffMax + ", commitInterval=" + commitInterval
                + ", kafkaProperties=" + io.kembed.core.ops.Redaction.redact(kafkaProperties) + "]";
    }

    public SinkWorkerConfig withTopics(TopicNames newTopics) {
        return new SinkWorkerConfig(bootstrapServers, groupId, newTopics, maxPollRecords, retryBackoffMin,
                retryBackoffMax, commitInterval, kafkaProperties);
    }

    public SinkWorkerConfig withKafkaProperties(Map<String, Object> props) {
        return new SinkWorkerConfig(bootstrapServers, groupId, topics, maxPollRecords, retryBackoffMin,
                retryBackoffMax, commitInterval, props);
    }
}
