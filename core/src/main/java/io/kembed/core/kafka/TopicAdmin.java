package io.kembed.core.kafka;

import java.util.ArrayList;
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

    /** The topics with their configs: change and vectors topics compacted, the DLQ deleted after 14 days. */
    public static List<NewTopic> definitions(TopicNames names, Layout layout) {
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
        for (String t : List.of(names.contacts(), names.documents(), names.vectors())) {
            topics.add(new NewTopic(t, layout.partitions(), layout.replicationFactor()).configs(compacted));
        }
        topics.add(new NewTopic(names.deadLetter(), 1, layout.replicationFactor()).configs(dlq));
        return topics;
    }

    /**
     * Creates whichever of the topics is missing; existing topics are left as they are.
     *
     * @return the names of the topics created
     * @throws IllegalStateException if the broker refuses or does not answer within 30 s
     */
    public static Set<String> ensureTopics(Admin admin, TopicNames names, Layout layout) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = definitions(names, layout).stream()
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
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics: " + e.getMessage(), e);
        }
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
        try {
            List<NewTopic> wanted = definitions(names, layout);
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
