package io.kembed.app.cli;

import io.kembed.core.kafka.TopicAdmin;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kembed topics}: create kembed's topics with their partitions and cleanup policies. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create the change, vectors and dead-letter topics if missing, then check every topic's "
                + "partitions, replication factor and configs against its definition (exit 1 on a difference).")
public final class TopicsCommand implements Callable<Integer> {

    @Option(names = "--partitions", defaultValue = "12",
            description = "Partitions per change and vectors topic: the most embed workers that can share the "
                    + "load (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "3", description = "(default: ${DEFAULT-VALUE})")
    short replicationFactor;

    @Option(names = "--check", description = "Create nothing: compare the topics with their definitions "
            + "(partitions, replication factor, compaction, retention) and exit 1 on any difference.")
    boolean checkOnly;

    @Option(names = "--model", paramLabel = "ID", split = ",",
            defaultValue = io.kembed.core.model.ModelRegistry.DEFAULT_MODEL,
            description = "Models whose vectors topics (<prefix>.vectors.v1.<model id>) to create and check; "
                    + "comma-separated or repeated (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() {
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.requireBootstrapServers());
        TopicAdmin.Layout layout = new TopicAdmin.Layout(partitions, replicationFactor);
        try (Admin admin = Admin.create(props)) {
            Set<String> created = checkOnly ? Set.of() : TopicAdmin.ensureTopics(admin, kafka.topics(), layout, models);
            List<TopicAdmin.Mismatch> mismatches = TopicAdmin.check(admin, kafka.topics(), layout, models);
            for (NewTopic t : TopicAdmin.definitions(kafka.topics(), layout, models)) {
                List<TopicAdmin.Mismatch> own = mismatches.stream().filter(m -> m.topic().equals(t.name())).toList();
                String state = created.contains(t.name()) ? "created" : own.isEmpty() ? "ok" : "DIFFERS";
                System.out.printf("%-40s %-8s partitions=%d rf=%d %s%n", t.name(), state, t.numPartitions(),
                        t.replicationFactor(), new TreeMap<>(t.configs()));
                own.forEach(m -> System.out.printf("    %s is %s, expected %s%n", m.setting(), m.actual(),
                        m.expected()));
            }
            return mismatches.isEmpty() ? 0 : 1;
        }
    }
}
