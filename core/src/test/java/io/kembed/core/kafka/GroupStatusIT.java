package io.kembed.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link GroupStatus} against a real KRaft broker: committed offsets, lag, members and their partitions. */
class GroupStatusIT {

    private static EmbeddedKafka kafka;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        admin.createTopics(List.of(new NewTopic("st.changes", 2, (short) 1), new NewTopic("other.topic", 1, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("st.changes", 0, "k" + i, "v"));
            }
            for (int i = 0; i < 6; i++) {
                producer.send(new ProducerRecord<>("st.changes", 1, "k" + i, "v"));
            }
            producer.send(new ProducerRecord<>("other.topic", "k", "v"));
        }
    }

    @AfterAll
    static void stop() {
        admin.close();
        kafka.close();
    }

    @Test
    void committedOffsetsLagAndOwners() {
        TopicPartition p0 = new TopicPartition("st.changes", 0);
        TopicPartition p1 = new TopicPartition("st.changes", 1);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "st-group",
                ConsumerConfig.CLIENT_ID_CONFIG, "st-member",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("st.changes", "other.topic"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.assignment().size() < 3 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.commitSync(Map.of(p0, new OffsetAndMetadata(4)));

            List<GroupStatus> status = GroupStatus.read(admin, id -> id.startsWith("st-"),
                    topic -> topic.startsWith("st."));

            assertThat(status).hasSize(1);
            GroupStatus g = status.get(0);
            assertThat(g.groupId()).isEqualTo("st-group");
            assertThat(g.state()).isEqualToIgnoringCase("Stable");
            assertThat(g.members()).singleElement().satisfies(m -> {
                assertThat(m.clientId()).isEqualTo("st-member");
                assertThat(m.assignment()).contains(p0, p1);
            });
            // other.topic is filtered out although the member owns it
            assertThat(g.partitions()).extracting(GroupStatus.PartitionStatus::partition).containsExactly(p0, p1);
            GroupStatus.PartitionStatus s0 = g.partitions().get(0);
            assertThat(s0.committed()).isEqualTo(4);
            assertThat(s0.endOffset()).isEqualTo(10);
            assertThat(s0.lag()).isEqualTo(6);
            assertThat(s0.owner()).isEqualTo("st-member");
            GroupStatus.PartitionStatus s1 = g.partitions().get(1);
            assertThat(s1.committed()).as("nothing committed yet").isEqualTo(-1);
            assertThat(s1.lag()).as("counted from the earliest offset").isEqualTo(6);
            assertThat(g.totalLag()).isEqualTo(12);
            assertThat(g.committedSum()).isEqualTo(4);
        }
    }
}
