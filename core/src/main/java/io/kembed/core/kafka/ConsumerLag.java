package io.kembed.core.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.common.TopicPartition;

/** Consumer-group lag: end offset minus committed offset, per partition. */
public final class ConsumerLag {

    private ConsumerLag() {
    }

    /**
     * Lag of {@code groupId} on every partition of {@code topics}, in records; a partition without a committed
     * offset counts from its earliest offset. End offsets are read-committed (transaction markers excluded).
     *
     * @throws IllegalStateException if the cluster does not answer within 30 s
     */
    public static Map<TopicPartition, Long> lag(Admin admin, String groupId, Collection<String> topics) {
        try {
            Set<TopicPartition> partitions = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS)
                    .values().stream()
                    .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                    .collect(Collectors.toSet());
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            ListOffsetsOptions readCommitted = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                    partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())), readCommitted)
                    .all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = admin.listOffsets(
                    partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.earliest())), readCommitted)
                    .all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> lag = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                long from = c != null ? c.offset() : starts.get(tp).offset();
                lag.put(tp, Math.max(0, ends.get(tp).offset() - from));
            }
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading consumer lag", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read lag of group " + groupId + ": " + e.getMessage(), e);
        }
    }

    /** Sum of {@link #lag} over all partitions. */
    public static long totalLag(Admin admin, String groupId, Collection<String> topics) {
        return lag(admin, groupId, topics).values().stream().mapToLong(Long::longValue).sum();
    }
}
