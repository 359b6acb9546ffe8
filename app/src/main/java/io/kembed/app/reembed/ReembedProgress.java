package io.kembed.app.reembed;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * One reading of a re-embed's consumer groups: per partition, the committed offset against the read-committed end
 * offset. Two readings give a rate ({@link #rate}) and an ETA ({@link #eta}).
 *
 * @param partitions one row per group and partition, sorted by group, topic, partition
 * @param at when it was read
 */
public record ReembedProgress(List<Row> partitions, Instant at) {

    /**
     * One partition of one group.
     *
     * @param group the consumer group
     * @param partition topic and partition
     * @param committed the committed offset; the earliest offset when the group has none yet
     * @param end the read-committed end offset
     */
    public record Row(String group, TopicPartition partition, long committed, long end) {
        /** Records left, {@code >= 0}. */
        public long lag() {
            return Math.max(0, end - committed);
        }
    }

    public ReembedProgress {
        partitions = List.copyOf(partitions);
    }

    /**
     * Reads {@code groups} (group id to the topics it reads).
     *
     * @throws IllegalStateException if the cluster does not answer within 30 s
     */
    public static ReembedProgress read(Admin admin, Map<String, Collection<String>> groups) {
        try {
            List<Row> rows = new ArrayList<>();
            for (Map.Entry<String, Collection<String>> g : groups.entrySet()) {
                Set<TopicPartition> parts = admin.describeTopics(g.getValue()).allTopicNames()
                        .get(30, TimeUnit.SECONDS).values().stream()
                        .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                        .collect(Collectors.toSet());
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(g.getKey())
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                ListOffsetsOptions rc = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                        parts.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())), rc)
                        .all().get(30, TimeUnit.SECONDS);
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = admin.listOffsets(
                        parts.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.earliest())), rc)
                        .all().get(30, TimeUnit.SECONDS);
                for (TopicPartition tp : parts) {
                    OffsetAndMetadata c = committed.get(tp);
                    rows.add(new Row(g.getKey(), tp, c != null ? c.offset() : starts.get(tp).offset(),
                            ends.get(tp).offset()));
                }
            }
            rows.sort(Comparator.comparing(Row::group).thenComparing(r -> r.partition().topic())
                    .thenComparingInt(r -> r.partition().partition()));
            return new ReembedProgress(rows, Instant.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the re-embed's progress", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the re-embed's groups: " + e.getMessage(), e);
        }
    }

    /** Records left in {@code group}. */
    public long lag(String group) {
        return partitions.stream().filter(r -> r.group().equals(group)).mapToLong(Row::lag).sum();
    }

    /** Records committed by {@code group} (sum of committed offsets). */
    public long committed(String group) {
        return partitions.stream().filter(r -> r.group().equals(group)).mapToLong(Row::committed).sum();
    }

    /**
     * Whether {@code group} has committed at least {@code offsets} on each partition they name
     * ({@code "<topic>-<partition>"}).
     */
    public boolean reached(String group, Map<String, Long> offsets) {
        Map<String, Long> committed = new HashMap<>();
        partitions.stream().filter(r -> r.group().equals(group))
                .forEach(r -> committed.put(r.partition().toString(), r.committed()));
        return offsets.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    /** Records per second {@code group} committed between {@code earlier} and this reading; 0 if none. */
    public double rate(ReembedProgress earlier, String group) {
        double seconds = Duration.between(earlier.at(), at).toNanos() / 1e9;
        return seconds <= 0 ? 0 : Math.max(0, committed(group) - earlier.committed(group)) / seconds;
    }

    /** Time to drain {@code group}'s lag at {@code rate}; null when the rate is 0 and records are left. */
    public Duration eta(String group, double rate) {
        long lag = lag(group);
        if (lag == 0) {
            return Duration.ZERO;
        }
        return rate <= 0 ? null : Duration.ofMillis((long) (1000 * lag / rate));
    }
}
