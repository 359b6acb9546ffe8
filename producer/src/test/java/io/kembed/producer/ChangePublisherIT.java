package io.kembed.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.event.ChangeEventCodec;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.event.DocumentEvent;
import io.kembed.core.event.EntityKey;
import io.kembed.core.event.InvalidEventException;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ChangePublisher against a real single-node KRaft broker. */
class ChangePublisherIT {

    private static final TopicNames TOPICS = new TopicNames("pub-it");
    private static EmbeddedKafka kafka;
    private static ChangePublisher publisher;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        createTopics(kafka, TOPICS);
        publisher = new ChangePublisher(new PublisherConfig(kafka.bootstrapServers(), TOPICS, Map.of()));
    }

    @AfterAll
    static void stop() {
        if (publisher != null) {
            publisher.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void contact_arrivesOnTheContactsTopic_keyedByEntity_andRoundTrips() throws Exception {
        ContactEvent jane = ContactEvent.upsert("acme", "c-42", 7, "Jane Doe", "Acme", "CEO",
                "Leads the EU expansion.", List.of("retail", "logistics"));

        RecordMetadata md = publisher.publish(jane).get(30, TimeUnit.SECONDS);

        assertThat(md.topic()).isEqualTo("pub-it.contacts.v1");
        ConsumerRecord<byte[], byte[]> r = readAt(new TopicPartition(md.topic(), md.partition()), md.offset());
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(jane.key().toKafkaKey());
        assertThat(new ChangeEventCodec().decode(new String(r.key(), StandardCharsets.UTF_8), r.value()).event())
                .isEqualTo(jane);
    }

    @Test
    void document_arrivesOnTheDocumentsTopic() throws Exception {
        RecordMetadata md = publisher.publish(DocumentEvent.upsert("acme", "d-1", 1, "Title", "Body"))
                .get(30, TimeUnit.SECONDS);

        assertThat(md.topic()).isEqualTo("pub-it.documents.v1");
    }

    @Test
    void invalidEvent_throws_andNothingReachesTheBroker() {
        TopicNames isolated = new TopicNames("pub-it-invalid");
        createTopics(kafka, isolated);
        try (ChangePublisher p = new ChangePublisher(new PublisherConfig(kafka.bootstrapServers(), isolated, Map.of()))) {
            assertThatThrownBy(() -> p.publish(ContactEvent.upsert("acme", "", 1, "Jane", null, null, null, null)))
                    .isInstanceOf(InvalidEventException.class);
            assertThatThrownBy(() -> p.publish(DocumentEvent.upsert("acme", "d\n1", 1, "T", "B")))
                    .isInstanceOf(InvalidEventException.class);
            p.flush();
        }

        assertThat(endOffsetSum(kafka, isolated.contacts()) + endOffsetSum(kafka, isolated.documents())).isZero();
    }

    @Test
    void tombstone_arrivesWithANullValue() throws Exception {
        EntityKey key = EntityKey.contact("acme", "c-13");

        RecordMetadata md = publisher.publishTombstone(key).get(30, TimeUnit.SECONDS);

        ConsumerRecord<byte[], byte[]> r = readAt(new TopicPartition(md.topic(), md.partition()), md.offset());
        assertThat(md.topic()).isEqualTo("pub-it.contacts.v1");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("acme/contact/c-13");
        assertThat(r.value()).isNull();
        assertThat(new ChangeEventCodec().decode("acme/contact/c-13", r.value()).isDelete()).isTrue();
    }

    static void createTopics(EmbeddedKafka kafka, TopicNames names) {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, names, TopicAdmin.Layout.EMBEDDED);
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(EmbeddedKafka kafka) {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static ConsumerRecord<byte[], byte[]> readAt(TopicPartition tp, long offset) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(kafka)) {
            c.assign(List.of(tp));
            c.seek(tp, offset);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() == offset) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("no record at " + tp + "@" + offset);
    }

    /** Records ever written to {@code topic}: the sum of its partitions' end offsets. */
    static long endOffsetSum(EmbeddedKafka kafka, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(kafka)) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            return c.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
