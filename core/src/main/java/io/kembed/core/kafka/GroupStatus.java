package io.kembed.core.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * One consumer group's state as an operator reads it: members and their partitions, committed offsets, end offsets
 * and lag per partition. Works for every group kind the broker lists (classic consumer groups, which Kafka Streams
 * applications such as the embed worker are, and KIP-848 consumer groups such as the sink).
 *
 * @param groupId the consumer group id
 * @param state the group state as the coordinator reports it ({@code Stable}, {@code Empty}, ...)
 * @param members the current members, by client id
 * @param partitions every partition of the selected topics the group has committed on or is assigned, sorted
 */
public record GroupStatus(String groupId, String state, List<Member> members, List<PartitionStatus> partitions) {

    /** Admin calls give up after this long (s). */
    private static final int TIMEOUT_S = 30;

    public GroupStatus {
        Objects.requireNonNull(groupId, "groupId");
        members = List.copyOf(members);
        partitions = List.copyOf(partitions);
    }

    /**
     * A group member.
     *
     * @param clientId the member's {@code client.id}
     * @param host where it connects from
     * @param assignment partitions it owns now
     */
    public record Member(String clientId, String host, Set<TopicPartition> assignment) {
        public Member {
            assignment = Set.copyOf(assignment);
        }
    }

    /**
     * One partition of one group.
     *
     * @param partition topic and partition
     * @param committed the group's committed offset, or {@code -1} if it has none (it starts from the earliest)
     * @param endOffset the read-committed end offset (transaction markers excluded)
     * @param lag records between the committed offset (or the earliest offset) and the end, {@code >= 0}
     * @param owner client id of the member that owns the partition, or {@code null} if unassigned
     */
    public record PartitionStatus(TopicPartition partition, long committed, long endOffset, long lag, String owner) {
    }

    /** @return the sum of {@link PartitionStatus#lag()} over all partitions, in records */
    public long totalLag() {
        return partitions.stream().mapToLong(PartitionStatus::lag).sum();
    }

    /** @return the sum of committed offsets (partitions without one count as 0), for rates between two reads */
    public long committedSum() {
        return partitions.stream().mapToLong(p -> Math.max(0, p.committed())).sum();
    }

    /**
     * Reads the status of every group whose id passes {@code groups} and that has committed offsets on, or members
     * assigned to, a topic that passes {@code topics}.
     *
     * @param admin a connected admin client
     * @param groups which group ids to consider
     * @param topics which topics to report
     * @return one status per group with partitions on the selected topics, sorted by group id
     * @throws IllegalStateException if the cluster does not answer within 30 s, or on interruption
     */
    public static List<GroupStatus> read(Admin admin, Predicate<String> groups, Predicate<String> topics) {
        try {
            Collection<GroupListing> listings = admin.listGroups().all().get(TIMEOUT_S, TimeUnit.SECONDS);
            List<String> ids = listings.stream().map(GroupListing::groupId).filter(groups).sorted().toList();
            if (ids.isEmpty()) {
                return List.of();
            }
            Map<String, ConsumerGroupDescription> descriptions = admin.describeConsumerGroups(ids).all()
                    .get(TIMEOUT_S, TimeUnit.SECONDS);
            Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
            for (String id : ids) {
                committed.put(id, admin.listConsumerGroupOffsets(id).partitionsToOffsetAndMetadata()
                        .get(TIMEOUT_S, TimeUnit.SECONDS));
            }
            Set<TopicPartition> all = new java.util.HashSet<>();
            Map<String, Map<TopicPartition, String>> owners = new HashMap<>();
            for (String id : ids) {
                Map<TopicPartition, String> owner = new HashMap<>();
                for (MemberDescription m : descriptions.get(id).members()) {
                    m.assignment().topicPartitions().forEach(tp -> owner.put(tp, m.clientId()));
                }
                owners.put(id, owner);
                committed.get(id).keySet().stream().filter(tp -> topics.test(tp.topic())).forEach(all::add);
                owner.keySet().stream().filter(tp -> topics.test(tp.topic())).forEach(all::add);
            }
            ListOffsetsOptions readCommitted = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = all.isEmpty() ? Map.of()
                    : admin.listOffsets(all.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())),
                            readCommitted).all().get(TIMEOUT_S, TimeUnit.SECONDS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = all.isEmpty() ? Map.of()
                    : admin.listOffsets(all.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.earliest())),
                            readCommitted).all().get(TIMEOUT_S, TimeUnit.SECONDS);
            List<GroupStatus> out = new ArrayList<>();
            for (String id : ids) {
                ConsumerGroupDescription d = descriptions.get(id);
                Map<TopicPartition, OffsetAndMetadata> c = committed.get(id);
                Map<TopicPartition, String> owner = owners.get(id);
                List<PartitionStatus> parts = new ArrayList<>();
                all.stream().filter(tp -> c.containsKey(tp) || owner.containsKey(tp))
                        .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
                        .forEach(tp -> {
                            OffsetAndMetadata om = c.get(tp);
                            long end = ends.get(tp).offset();
                            long from = om != null ? om.offset() : starts.get(tp).offset();
                            parts.add(new PartitionStatus(tp, om == null ? -1 : om.offset(), end,
                                    Math.max(0, end - from), owner.get(tp)));
                        });
                if (parts.isEmpty()) {
                    continue;
                }
                List<Member> members = d.members().stream()
                        .map(m -> new Member(m.clientId(), m.host(), m.assignment().topicPartitions()))
                        .sorted(Comparator.comparing(Member::clientId))
                        .toList();
                out.add(new GroupStatus(id, d.groupState().toString(), members, parts));
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading consumer groups", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read consumer groups: " + e.getMessage(), e);
        }
    }
}
