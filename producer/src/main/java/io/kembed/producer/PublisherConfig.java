package io.kembed.producer;

import io.kembed.core.kafka.TopicNames;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Configuration of a {@link ChangePublisher}. Immutable; validated on construction.
 *
 * <p>The publisher always sets the properties its guarantees rest on, and an extra property may not change them:
 * {@code enable.idempotence=true} and {@code acks=all} (no duplicates and no reordering on retry, no loss while a
 * replica is in sync), byte-array serializers, and no {@code transactional.id}. Its tuning defaults can be
 * overridden through {@code extraProperties}:
 *
 * <table>
 *   <caption>Producer defaults</caption>
 *   <tr><th>key</th><th>default</th><th>why</th></tr>
 *   <tr><td>{@code compression.type}</td><td>{@value #DEFAULT_COMPRESSION}</td><td>change topics are compacted
 *       and kept as the replay source, so bytes at rest and on replay dominate: on 64 KiB batches of the EU
 *       register rows (JSON, ~1.9 KB each) zstd level 3 compresses 3.2x against lz4's 2.2x, for ~6 ms of CPU per
 *       MB</td></tr>
 *   <tr><td>{@code linger.ms}</td><td>{@value #DEFAULT_LINGER_MS}</td><td>fills batches during imports; 10 ms is
 *       invisible next to embedding latency</td></tr>
 *   <tr><td>{@code batch.size}</td><td>{@value #DEFAULT_BATCH_BYTES} bytes</td><td>~30 events of 2 KB per batch;
 *       zstd's ratio grows with the batch (2.8x at Kafka's 16 KiB default)</td></tr>
 *   <tr><td>{@code max.in.flight.requests.per.connection}</td><td>{@value #MAX_IN_FLIGHT}</td><td>not 5 (the most
 *       idempotence keeps in order): with two requests in flight to a partition that has no data from this
 *       producer yet, a first request failing with a retriable error (NOT_LEADER_OR_FOLLOWER, for example on a
 *       partition just created or added) lets the second be appended first; every retry of the first then fails
 *       with OUT_OF_ORDER_SEQUENCE_NUMBER until {@code delivery.timeout.ms} expires it, and its events are lost
 *       despite idempotence and {@code acks=all} (KAFKA-15591, KAFKA-18202; fixed by apache/kafka#23234, not in
 *       the 4.3 clients and brokers kembed is built on). {@code kembed bench scale} lost 4 of 300 events this way
 *       on freshly created topics. One request in flight per broker connection still carries a batch for every
 *       partition it leads, far more than the embed workers consume</td></tr>
 * </table>
 *
 * <p>Everything else ({@code delivery.timeout.ms} 120 s, {@code max.block.ms} 60 s, {@code max.request.size}
 * 1 MiB, ...) keeps Kafka's default unless set in {@code extraProperties}.
 *
 * @param bootstrapServers {@code host:port[,host:port...]}; not blank
 * @param topics the deployment's topic names
 * @param extraProperties Kafka producer properties passed to the client untouched, keyed by their Kafka name
 *     without any prefix, for example {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config},
 *     {@code ssl.truststore.location}; may be empty, never contains null keys or values
 */
public record PublisherConfig(String bootstrapServers, TopicNames topics, Map<String, Object> extraProperties) {

    static final String DEFAULT_COMPRESSION = "zstd";
    static final int DEFAULT_LINGER_MS = 10;
    static final int DEFAULT_BATCH_BYTES = 64 * 1024;
    /** In-flight produce requests per broker connection: 1, so no batch can overtake a retried one (see above). */
    static final int MAX_IN_FLIGHT = 1;

    /** Properties the publisher owns; an extra property may not set them. */
    static final Set<String> RESERVED = Set.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            ProducerConfig.ACKS_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG);

    /**
     * @throws NullPointerException if {@code bootstrapServers}, {@code topics}, or a key or value of
     *     {@code extraProperties} is null
     * @throws IllegalArgumentException if {@code bootstrapServers} is blank or {@code extraProperties} sets one of
     *     the properties the publisher owns
     */
    public PublisherConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must not be blank");
        }
        Objects.requireNonNull(topics, "topics");
        Map<String, Object> extras = new TreeMap<>();
        if (extraProperties != null) {
            extraProperties.forEach((key, value) -> {
                Objects.requireNonNull(key, "extraProperties key");
                Objects.requireNonNull(value, () -> "extraProperties value of '" + key + "'");
                if (RESERVED.contains(key)) {
                    throw new IllegalArgumentException("extra property '" + key + "' is set by the publisher"
                            + (key.equals(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)
                                    ? "; pass it as bootstrapServers"
                                    : " and cannot be overridden (idempotent, acks=all, byte[] serializers)"));
                }
                extras.put(key, value);
            });
        }
        extraProperties = Collections.unmodifiableMap(extras);
    }

    /** Default topic names, no extra properties. */
    public static PublisherConfig of(String bootstrapServers) {
        return new PublisherConfig(bootstrapServers, TopicNames.DEFAULT, Map.of());
    }

    /**
     * The properties handed to {@code KafkaProducer}: the publisher's defaults, then {@code extraProperties} on top.
     * Serializers are passed to the constructor, not here.
     */
    public Map<String, Object> producerProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, MAX_IN_FLIGHT);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, DEFAULT_COMPRESSION);
        props.put(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, DEFAULT_BATCH_BYTES);
        props.putAll(extraProperties);
        return props;
    }

    /** Hides values of secret-looking keys (passwords, JAAS config) so the config can be logged. */
    @Override
    public String toString() {
        Map<String, Object> shown = new TreeMap<>();
        extraProperties.forEach((k, v) -> shown.put(k, io.kembed.core.ops.Redaction.isSecret(k)
                ? io.kembed.core.ops.Redaction.REDACTED : v));
        return "PublisherConfig[bootstrapServers=" + bootstrapServers + ", topics=" + topics.prefix()
                + ", extraProperties=" + shown + "]";
    }
}
