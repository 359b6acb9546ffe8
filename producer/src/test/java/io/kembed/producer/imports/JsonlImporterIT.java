package io.kembed.producer.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.event.ChangeEventCodec;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.producer.ChangePublisher;
import io.kembed.producer.PublisherConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The importer end to end: a gzip JSONL fixture through a real ChangePublisher into a real KRaft broker. */
class JsonlImporterIT {

    private static final TopicNames TOPICS = new TopicNames("import-it");
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, TOPICS, TopicAdmin.Layout.EMBEDDED);
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void gzipFixture_publishesTheGoodRows_andRejectsTheMalformedLines(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("sample.data"); // no telling extension: gzip is found by its magic bytes
        try (InputStream in = getClass().getResourceAsStream("/imports/" + JsonlImporterTest.FIXTURE)) {
            Files.copy(in, input);
        }
        Path rejects = dir.resolve("rejects.jsonl");
        ImportSummary summary;
        try (ChangePublisher publisher =
                new ChangePublisher(new PublisherConfig(kafka.bootstrapServers(), TOPICS, Map.of()))) {
            summary = new JsonlImporter(publisher, MappingPresets.euTransparencyRegister("eu"))
                    .run(input, ImportOptions.defaults(rejects), ImportListener.NONE);
        }

        assertThat(summary.published()).isEqualTo(JsonlImporterTest.FIXTURE_GOOD);
        assertThat(summary.rejected()).isEqualTo(5);
        assertThat(Files.readAllLines(rejects)).hasSize(5);
        Map<String, ContactEvent> onTopic = readAll(TOPICS.contacts());
        assertThat(onTopic).hasSize((int) JsonlImporterTest.FIXTURE_GOOD);
        assertThat(onTopic.get("eu/contact/000005130904-53").tags()).contains("Economy, finance and the euro");
    }

    /** Every record of {@code topic}, decoded, by key. */
    private static Map<String, ContactEvent> readAll(String topic) {
        ChangeEventCodec codec = new ChangeEventCodec();
        Map<String, ContactEvent> events = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    events.put(key, (ContactEvent) codec.decode(key, r.value()).event());
                }
            }
        }
        return events;
    }
}
