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
                .as("nothing created yet").containsOnly("exists").hasSize(5);

        assertThat(TopicAdmin.ensureTopics(admin, names, layout)).hasSize(5);
        assertThat(TopicAdmin.check(admin, names, layout)).isEmpty();

        admin.createPartitions(Map.of(names.contacts(), NewPartitions.increaseTo(5))).all().get(30, TimeUnit.SECONDS);
        ConfigResource vectors = new ConfigResource(ConfigResource.Type.TOPIC, names.vectors(io.kembed.core.model.ModelRegistry.DEFAULT_MODEL));
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
                new TopicAdmin.Mismatch(names.vectors(io.kembed.core.model.ModelRegistry.DEFAULT_MODEL), TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT, TopicConfig.CLEANUP_POLICY_DELETE));
    }

    /**
     * Right after {@code ensureTopics} returns, an idempotent producer with five requests in flight gets every
     * record of a burst to every partition acknowledged: the partitions are served (KAFKA-15591 would otherwise
     * expire the first request's records after 120 s of OUT_OF_ORDER_SEQUENCE_NUMBER). A topic that does not
     * exist is never ready.
     */
    @Test
    void ensureTopics_returnsOncePartitionsServeProducers_andAMissingTopicIsNeverReady() throws Exception {
        TopicNames names = new TopicNames("ready");
        TopicAdmin.ensureTopics(admin, names, new TopicAdmin.Layout(4, (short) 1));
        java.util.Properties p = new java.util.Properties();
        p.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(org.apache.kafka.clients.producer.ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
        p.put(org.apache.kafka.clients.producer.ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(org.apache.kafka.clients.producer.ProducerConfig.BATCH_SIZE_CONFIG, "512");
        List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> acks =
                new java.util.ArrayList<>();
        try (org.apache.kafka.clients.producer.KafkaProducer<String, String> producer =
                new org.apache.kafka.clients.producer.KafkaProducer<>(p,
                        new org.apache.kafka.common.serialization.StringSerializer(),
                        new org.apache.kafka.common.serialization.StringSerializer())) {
            for (int i = 0; i < 2_000; i++) {
                acks.add(producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(names.contacts(),
                        i % 4, "k" + i, "value " + i)));
            }
            producer.flush();
            for (java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        }

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TopicAdmin.awaitPartitionsReady(admin,
                List.of("ready.no-such-topic"), java.time.Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ready.no-such-topic");
    }
}
