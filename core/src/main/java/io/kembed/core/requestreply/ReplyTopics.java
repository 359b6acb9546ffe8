package io.kembed.core.requestreply;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates request and reply topics on demand. */
public final class ReplyTopics {

    /** Replies are useless after their deadline: keep them one hour (ms). */
    public static final String REPLY_RETENTION_MS = Long.toString(TimeUnit.HOURS.toMillis(1));

    private ReplyTopics() {
    }

    /**
     * Creates {@code topic} with {@code partitions} partitions and one-hour retention unless it exists, and waits
     * until its partitions serve requests, so that the first replies are not lost
     * ({@link io.kembed.core.kafka.TopicAdmin#awaitPartitionsReady}).
     *
     * @param replicationFactor or -1 for the broker default
     * @throws IllegalStateException if the broker refuses or does not answer within 30 s
     */
    public static void ensure(Admin admin, String topic, int partitions, short replicationFactor) {
        NewTopic newTopic = new NewTopic(topic, java.util.Optional.of(partitions),
                replicationFactor < 0 ? java.util.Optional.empty() : java.util.Optional.of(replicationFactor))
                .configs(java.util.Map.of(TopicConfig.RETENTION_MS_CONFIG, REPLY_RETENTION_MS));
        try {
            try {
                admin.createTopics(List.of(newTopic)).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause(),
                            e.getCause());
                }
            }
            io.kembed.core.kafka.TopicAdmin.awaitPartitionsReady(admin, List.of(topic),
                    java.time.Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer creating topic " + topic + " within 30 s", e);
        }
    }
}
