package io.kembed.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link TopicAdmin} on a real KRaft broker: create, then find every drift from the definitions. */
class TopicAdminIT {

    private static EmbeddedKafka kafka;
    private static Admin admin;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        admin.close();
        kafka.close();
    }

    @Test
    void createdTopicsMatch_andDriftIsReported() throws Exception {
        TopicNames names = new TopicNames("drift");
        TopicAdmin.Layout layout = new TopicAdmin.Layout(3, (short) 1);
        assertThat(TopicAdmin.check(admin, names, layout)).extracting(TopicAdmin.Mismatch::setting)
                .as("nothing created yet").containsOnly("exists").hasSize(4);

        assertThat(TopicAdmin.ensureTopics(admin, names, layout)).hasSize(4);
        assertThat(TopicAdmin.check(admin, names, layout)).isEmpty();

        admin.createPartitions(Map.of(names.contacts(), NewPartitions.increaseTo(5))).all().get(30, TimeUnit.SECONDS);
        ConfigResource vectors = new ConfigResource(ConfigResource.Type.TOPIC, names.vectors());
        Collection<AlterConfigOp> ops = List.of(new AlterConfigOp(
                new ConfigEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE),
                AlterConfigOp.OpType.SET));
        admin.incrementalAlterConfigs(Map.of(vectors, ops)).all().get(30, TimeUnit.SECONDS);

        // Partition counts and configs reach the metadata the admin client reads a moment after the calls return.
        List<TopicAdmin.Mismatch> drift = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (drift.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            drift = TopicAdmin.check(admin, names, layout);
        }
        assertThat(drift).containsExactlyInAnyOrder(
                new TopicAdmin.Mismatch(names.contacts(), "partitions", "3", "5"),
                new TopicAdmin.Mismatch(names.vectors(), TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT, TopicConfig.CLEANUP_POLICY_DELETE));
    }
}
