package io.kembed.app.cli;

import io.kembed.core.kafka.TopicAdmin;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kembed topics}: create kembed's topics with their partitions and cleanup policies. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create the change, vectors and dead-letter topics if missing.")
public final class TopicsCommand implements Callable<Integer> {

    @Option(names = "--partitions", defaultValue = "12",
            description = "Partitions per change and vectors topic: the most embed workers that can share the "
                    + "load (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "3", description = "(default: ${DEFAULT-VALUE})")
    short replicationFactor;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() {
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.requireBootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Set<String> created = TopicAdmin.ensureTopics(admin, kafka.topics(),
                    new TopicAdmin.Layout(partitions, replicationFactor));
            TopicAdmin.definitions(kafka.topics(), new TopicAdmin.Layout(partitions, replicationFactor)).forEach(t ->
                    System.out.printf("%-28s %s  partitions=%d rf=%d %s%n", t.name(),
                            created.contains(t.name()) ? "created" : "exists ", t.numPartitions(),
                            t.replicationFactor(), t.configs()));
            return 0;
        }
    }
}
