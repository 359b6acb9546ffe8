package io.kembed.app.reembed;

import io.kembed.core.event.ChangeEvent;
import io.kembed.core.event.ChangeEventCodec;
import io.kembed.core.event.EntityKey;
import io.kembed.core.event.InvalidEventException;
import io.kembed.core.event.Op;
import io.kembed.core.kafka.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the compacted change topics from their beginning to the end offsets they have when the scan starts, and
 * keeps the latest event of every entity: the source state a re-embed must reproduce, the input of the dry run and
 * of the stale-vector count. Records the embed worker would dead-letter are skipped. No consumer group is used
 * (partitions are assigned), so nothing is committed.
 */
public final class SourceScan {

    /**
     * The latest event of one entity.
     *
     * @param version its version; {@code -1} for a tombstone (a null value carries none)
     * @param deleted whether it is a delete ({@code op=delete} or a tombstone)
     * @param text the embeddable text of an upsert when the scan keeps texts, else null
     */
    public record Latest(long version, boolean deleted, String text) {
    }

    private SourceScan() {
    }

    /**
     * Scans the change topics of {@code topics}.
     *
     * @param clientProperties Kafka client settings with {@code bootstrap.servers}
     * @param tenants which tenants to keep
     * @param keepTexts whether to keep each upsert's embeddable text (the dry run counts its tokens)
     * @return entity to its latest event, deletes included
     * @throws IllegalStateException if the cluster does not answer
     */
    public static Map<EntityKey, Latest> latest(Map<String, Object> clientProperties, TopicNames topics,
            Predicate<String> tenants, boolean keepTexts) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        ChangeEventCodec codec = new ChangeEventCodec();
        Map<EntityKey, Latest> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = topics.changeTopics().stream()
                    .flatMap(t -> consumer.partitionsFor(t, Duration.ofSeconds(30)).stream()
                            .map(p -> new TopicPartition(t, p.partition())))
                    .collect(Collectors.toList());
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(parts, Duration.ofSeconds(30)));
            ends.values().removeIf(e -> e == 0);
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (!ends.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the change topics could not be read to their end in 10 min");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Long end = ends.get(tp);
                    if (end == null || r.offset() >= end) {
                        continue;
                    }
                    keep(codec, r, tenants, keepTexts, out);
                }
                ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        }
        return out;
    }

    private static void keep(ChangeEventCodec codec, ConsumerRecord<byte[], byte[]> r, Predicate<String> tenants,
            boolean keepTexts, Map<EntityKey, Latest> out) {
        ChangeEventCodec.Decoded d;
        try {
            d = codec.decode(r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8), r.value());
        } catch (InvalidEventException e) {
            return; // dead-lettered by the embed worker: never part of the state
        }
        if (!tenants.test(d.key().tenantId())) {
            return;
        }
        ChangeEvent event = d.event();
        Latest previous = out.get(d.key());
        if (event == null) {
            out.put(d.key(), new Latest(previous == null ? -1 : previous.version(), true, null));
            return;
        }
        if (previous != null && previous.version() >= event.version()) {
            return; // stale or duplicate: the embed worker ignores it too
        }
        boolean deleted = event.op() == Op.DELETE;
        out.put(d.key(), new Latest(event.version(), deleted, keepTexts && !deleted ? event.embeddableText() : null));
    }
}
