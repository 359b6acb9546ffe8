package io.kembed.core.kafka;

import io.kembed.core.model.ModelRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates kembed's topics with the right cleanup policies if they do not exist yet. */
public final class TopicAdmin {

    private TopicAdmin() {
    }

    /**
     * Topic layout.
     *
     * @param partitions partitions per change and vectors topic; throughput scales with it (one embed worker
     *     thread per partition at most)
     * @param replicationFactor 1 for the embedded broker, 3 in production
     */
    public record Layout(int partitions, short replicationFactor) {
        public static final Layout EMBEDDED = new Layout(4, (short) 1);
    }

    /** {@link #definitions(TopicNames, Layout, Collection)} with the vectors topic of the registry's default model. */
    public static List<NewTopic> definitions(TopicNames names, Layout layout) {
        return definitions(names, layout, List.of(ModelRegistry.DEFAULT_MODEL));
    }

    /**
     * The topics with their configs: change topics and one vectors topic per model in {@code modelIds}
     * ({@link TopicNames#vectors(String)}) compacted with {@code layout}'s partitions, the re-embed state topic
     * compacted with one partition, the DLQ deleted after 14 days.
     *
     * @param modelIds the models whose vectors topics to define; at least one
     * @throws IllegalArgumentException if {@code modelIds} is empty
     */
    public static List<NewTopic> definitions(TopicNames names, Layout layout, Collection<String> modelIds) {
        if (modelIds.isEmpty()) {
            throw new IllegalArgumentException("at least one model's vectors topic is needed");
        }
        Map<String, String> compacted = Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                // Tombstones stay a day so a replaying consumer that lags less than that still sees the delete.
                TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(TimeUnit.DAYS.toMillis(1)),
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(4 * 1024 * 1024));
        Map<String, String> dlq = Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(TimeUnit.DAYS.toMillis(14)),
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024));
        List<NewTopic> topics = new ArrayList<>();
        List<String> partitioned = new ArrayList<>(List.of(names.contacts(), names.documents()));
        new java.util.TreeSet<>(modelIds).forEach(m -> partitioned.add(names.vectors(m)));
        for (String t : partitioned) {
            topics.add(new NewTopic(t, layout.partitions(), layout.replicationFactor()).configs(compacted));
        }
        // One small record per alias, read whole by every reembed command: one partition keeps them in order.
        topics.add(new NewTopic(names.reembeds(), 1, layout.replicationFactor()).configs(compacted));
        topics.add(new NewTopic(names.deadLetter(), 1, layout.replicationFactor()).configs(dlq));
        return topics;
    }

    /**
     * Creates whichever of the topics is missing; existing topics are left as they are. Returns once the created
     * topics' partitions serve requests ({@link #awaitPartitionsReady}).
     *
     * @return the names of the topics created
     * @throws IllegalStateException if the broker refuses or does not answer within 30 s
     */
    public static Set<String> ensureTopics(Admin admin, TopicNames names, Layout layout) {
        return ensureTopics(admin, names, layout, List.of(ModelRegistry.DEFAULT_MODEL));
    }

    /**
     * Creates whichever of the topics of {@link #definitions(TopicNames, Layout, Collection)} is missing; existing
     * topics are left as they are. Returns once the created topics' partitions serve requests
     * ({@link #awaitPartitionsReady}), so that the first records sent to them are not lost to KAFKA-15591.
     *
     * @return the names of the topics created
     * @throws IllegalStateException if the broker refuses or does not answer within 30 s
     */
    public static Set<String> ensureTopics(Admin admin, TopicNames names, Layout layout,
            Collection<String> modelIds) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = definitions(names, layout, modelIds).stream()
                    .filter(t -> !existing.contains(t.name()))
                    .toList();
            if (missing.isEmpty()) {
                return Set.of();
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            Set<String> created = new java.util.TreeSet<>();
            missing.forEach(t -> created.add(t.name()));
            awaitPartitionsReady(admin, created, java.time.Duration.ofSeconds(30));
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics: " + e.getMessage(), e);
        }
    }
    /**
     * Waits until every partition of {@code topics} answers a ListOffsets request on its leader, that is until the
     * leaders have applied the topics' creation (or a partition increase).
     *
     * <p>Why: an idempotent producer that sends to a partition its leader has not applied yet gets a retriable
     * NOT_LEADER_OR_FOLLOWER for its first request while a later request can be appended; every retry of the
     * first then fails with OUT_OF_ORDER_SEQUENCE_NUMBER until {@code delivery.timeout.ms} (120 s) expires its
     * records (KAFKA-15591, also KAFKA-14312 and KAFKA-19880, fixed in Kafka by apache/kafka#23234; seen here
     * with the 4.3.1 broker and client when a test sent right after creating a topic). Waiting for the leaders
     * before the first send avoids the race.
     *
     * @param topics topic names; partitions are read from the cluster
     * @param timeout how long to wait in all
     * @throws IllegalStateException if a partition still has no serving leader after {@code timeout}
     * @throws InterruptedException if interrupted while waiting
     */
    public static void awaitPartitionsReady(Admin admin, Collection<String> topics, java.time.Duration timeout)
            throws InterruptedException {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                        new java.util.HashMap<>();
                admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).forEach((name, d) ->
                        d.partitions().forEach(p -> latest.put(new org.apache.kafka.common.TopicPartition(name,
                                p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest())));
                admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                last = e; // UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE: not yet
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("partitions of " + topics + " have no serving leader after " + timeout
                + (last == null ? "" : ": " + last.getMessage()), last);
    }

    /**
     * A difference between a topic on the cluster and its {@linkplain #definitions definition}.
     *
     * @param topic the topic
     * @param setting what differs: {@code exists}, {@code partitions}, {@code replication.factor} or a config name
     * @param expected the definition's value
     * @param actual the cluster's value ({@code missing} for a missing topic)
     */
    public record Mismatch(String topic, String setting, String expected, String actual) {
        @Override
        public String toString() {
            return topic + ": " + setting + " is " + actual + ", expected " + expected;
        }
    }

    /**
     * Compares the topics on the cluster with their definitions: existence, partition count, replication factor
     * and every config the definition sets. A change topic with more partitions than configured is reported too:
     * adding partitions moves keys (see the README's procedure), so it should be deliberate.
     *
     * @return the differences, empty if the cluster matches
     * @throws IllegalStateException if the cluster does not answer within 30 s
     */
    public static List<Mismatch> check(Admin admin, TopicNames names, Layout layout) {
        return check(admin, names, layout, List.of(ModelRegistry.DEFAULT_MODEL));
    }

    /** As {@link #check(Admin, TopicNames, Layout)}, with the vectors topics of {@code modelIds}. */
    public static List<Mismatch> check(Admin admin, TopicNames names, Layout layout, Collection<String> modelIds) {
        try {
            List<NewTopic> wanted = definitions(names, layout, modelIds);
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<Mismatch> out = new ArrayList<>();
            List<String> present = new ArrayList<>();
            for (NewTopic t : wanted) {
                if (existing.contains(t.name())) {
                    present.add(t.name());
                } else {
                    out.add(new Mismatch(t.name(), "exists", "yes", "missing"));
                }
            }
            if (present.isEmpty()) {
                return out;
            }
            Map<String, TopicDescription> described = admin.describeTopics(present)
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            List<ConfigResource> resources = present.stream()
                    .map(n -> new ConfigResource(
                            ConfigResource.Type.TOPIC, n))
                    .toList();
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
            for (NewTopic t : wanted) {
                TopicDescription d = described.get(t.name());
                if (d == null) {
                    continue;
                }
                int partitions = d.partitions().size();
                if (partitions != t.numPartitions()) {
                    out.add(new Mismatch(t.name(), "partitions", Integer.toString(t.numPartitions()),
                            Integer.toString(partitions)));
                }
                int rf = d.partitions().get(0).replicas().size();
                if (rf != t.replicationFactor()) {
                    out.add(new Mismatch(t.name(), "replication.factor", Short.toString(t.replicationFactor()),
                            Integer.toString(rf)));
                }
                Config c = configs.get(new ConfigResource(
                        ConfigResource.Type.TOPIC, t.name()));
                for (Map.Entry<String, String> e : new TreeMap<>(t.configs()).entrySet()) {
                    ConfigEntry actual = c.get(e.getKey());
                    String value = actual == null ? "unset" : actual.value();
                    if (!e.getValue().equals(value)) {
                        out.add(new Mismatch(t.name(), e.getKey(), e.getValue(), value));
                    }
                }
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot check topics: " + e.getMessage(), e);
        }
    }
}
