package io.kembed.app.reembed;

import io.kembed.core.kafka.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The re-embed states on the compacted one-partition topic {@code <prefix>.reembeds}, keyed by the re-embed's alias ({@link ReembedState#scopeAlias()}: the shared alias, or a tenant's): a write is
 * one acknowledged record ({@code acks=all}, idempotent producer), a read takes the last record of the alias up to
 * the topic's end offset. Compaction keeps one record per alias.
 */
public final class ReembedStates {

    private final Map<String, Object> clientProperties;
    private final String topic;

    /** @param clientProperties Kafka client settings with {@code bootstrap.servers} */
    public ReembedStates(Map<String, Object> clientProperties, TopicNames topics) {
        this.clientProperties = Map.copyOf(clientProperties);
        this.topic = topics.reembeds();
    }

    /**
     * The latest state of {@code alias}'s re-embed.
     *
     * @param alias a scope alias ({@link ReembedState#scopeAlias()}): the shared alias or a tenant's alias
     * @return empty if none was ever started
     * @throws IllegalStateException if the topic cannot be read within 30 s, or {@code alias}'s record is not a
     *     re-embed state
     */
    public Optional<ReembedState> read(String alias) {
        return Optional.ofNullable(readLatestValues().get(alias)).map(v -> decode(alias, v));
    }

    /**
     * The latest state of every re-embed on the cluster (shared and per tenant), by scope alias.
     *
     * @throws IllegalStateException if the topic cannot be read within 30 s, or a record is not a re-embed state
     */
    public Map<String, ReembedState> readAll() {
        Map<String, ReembedState> out = new HashMap<>();
        readLatestValues().forEach((alias, value) -> out.put(alias, decode(alias, value)));
        return out;
    }

    private static ReembedState decode(String alias, byte[] value) {
        try {
            return ReembedState.fromJson(value);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the re-embed state of '" + alias + "' cannot be read: " + e.getMessage(),
                    e);
        }
    }

    /** The latest value of every key of the topic, undecoded: one scope's bad record breaks only its own reads. */
    private Map<String, byte[]> readLatestValues() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        TopicPartition tp = new TopicPartition(topic, 0);
        Map<String, byte[]> latest = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            if (consumer.partitionsFor(topic, Duration.ofSeconds(30)).isEmpty()) {
                return Map.of(); // no re-embed was ever started on this cluster
            }
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(tp, Duration.ofSeconds(30)) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read " + topic + " to its end within 30 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end && r.key() != null) {
                        String key = new String(r.key(), StandardCharsets.UTF_8);
                        if (r.value() == null) {
                            latest.remove(key);
                        } else {
                            latest.put(key, r.value());
                        }
                    }
                }
            }
        }
        return latest;
    }

    /**
     * Writes {@code state} as its alias's latest.
     *
     * @throws IllegalStateException if the broker does not acknowledge it within 30 s
     */
    public void write(ReembedState state) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, state.scopeAlias().getBytes(StandardCharsets.UTF_8),
                    state.toJson())).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the re-embed state", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write the re-embed state to " + topic + ": " + e, e);
        }
    }
}
