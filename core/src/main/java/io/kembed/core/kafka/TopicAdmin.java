package io.kembed.core.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
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
}
