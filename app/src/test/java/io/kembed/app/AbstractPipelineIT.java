package io.kembed.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.app.pipeline.PipelineOptions;
import io.kembed.core.event.ChangeEventCodec;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.event.DocumentEvent;
import io.kembed.core.event.EntityKey;
import io.kembed.core.kafka.DeadLetters;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.store.SearchHit;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.embed.EmbedMetrics.Outcome;
import io.kembed.producer.ChangePublisher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole pipeline on a real Kafka broker: publisher → change topics → embed worker (Kafka Streams,
 * exactly-once) → vectors topic → sink → Lucene store → search. Each test uses its own tenant. Subclasses say
 * which broker: {@link PipelineIT} the embedded KRaft broker, {@link KafkaContainerPipelineIT} a container.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractPipelineIT {

    private static final Duration DRAIN = Duration.ofMinutes(3);

    private Path work;

    private BiEncoder encoder;
    private LocalPipeline pipeline;
    private ChangePublisher publisher;

    /** The broker to run against, or null for the embedded one. */
    abstract String bootstrapServers();

    @BeforeAll
    void start() throws java.io.IOException {
        work = java.nio.file.Files.createTempDirectory("kembed-pipeline-it");
        encoder = BiEncoder.load(ModelRegistry.get("all-minilm-l6-v2-q"),
                BiEncoderOptions.forWorker(ModelRegistry.get("all-minilm-l6-v2-q")).withCacheDir(Path.of("target", "kembed-models").toAbsolutePath()));
        PipelineOptions options = new PipelineOptions(bootstrapServers(), TopicNames.DEFAULT, new TopicAdmin.Layout(3, (short) 1),
                encoder.spec(), work.resolve("lucene"), PipelineOptions.defaultCollection(encoder.spec()),
                work.resolve("state"), Map.of());
        pipeline = LocalPipeline.start(options, encoder);
        publisher = pipeline.publisher();
    }

    @AfterAll
    void stop() throws java.io.IOException {
        if (pipeline != null) {
            pipeline.close();
        }
        if (encoder != null) {
            encoder.close();
        }
        org.apache.kafka.common.utils.Utils.delete(work.toFile());
    }

    private void drain() throws InterruptedException {
        publisher.flush();
        assertThat(pipeline.awaitDrained(DRAIN)).as("pipeline drained").isTrue();
    }

    private List<SearchHit> search(String tenant, String query, int k) {
        return pipeline.store().search(tenant, encoder.embedQuery(query), k);
    }

    @Test
    void contacts_becomeSearchable_andTheRelevantOneRanksFirst() throws Exception {
        String t = "t-search";
        publisher.publish(ContactEvent.upsert(t, "1", 1, "Ana Silva", "WindEurope", "Policy Director",
                "Represents the wind energy industry: offshore wind farms and turbines.", List.of("Energy")));
        publisher.publish(ContactEvent.upsert(t, "2", 1, "Ben Ode", "EuroBank Association", "Head of Regulation",
                "Banking supervision, capital requirements and payment services.", List.of("Banking")));
        publisher.publish(ContactEvent.upsert(t, "3", 1, "Cleo Marr", "Farmers Union", "Secretary General",
                "Agriculture, rural development and the common agricultural policy.", List.of("Agriculture")));
        drain();
        assertThat(pipeline.store().count(t)).isEqualTo(3);
        assertThat(search(t, "offshore wind power", 3).get(0).entity().id()).isEqualTo("1");
        assertThat(search(t, "bank capital rules", 3).get(0).entity().id()).isEqualTo("2");
        assertThat(search("another-tenant", "offshore wind power", 3)).isEmpty();
    }

    @Test
    void updatesDeletesAndTombstones_leaveTheStoreEqualToTheLatestSourceState() throws Exception {
        String t = "t-state";
        for (int i = 0; i < 20; i++) {
            publisher.publish(ContactEvent.upsert(t, "c" + i, 1, "Person " + i, "Org " + i, "Role " + i,
                    "Works on topic number " + i + ".", null));
        }
        drain();
        publisher.publish(ContactEvent.upsert(t, "c1", 2, "Person 1", "Org 1", "Role 1", "Now works on trade.", null));
        publisher.publish(ContactEvent.upsert(t, "c2", 5, "Person 2", "Org 2", "Role 2", "Moved to fisheries.", null));
        // older than what is stored: must be ignored
        publisher.publish(ContactEvent.upsert(t, "c2", 3, "Person 2", "Org 2", "Role 2", "Stale text.", null));
        publisher.publish(ContactEvent.delete(t, "c3", 2));
        publisher.publishTombstone(EntityKey.contact(t, "c4"));
        long staleBefore = pipeline.worker().metrics().total(Outcome.STALE);
        drain();
        assertThat(pipeline.store().count(t)).isEqualTo(18);
        List<SearchHit> all = search(t, "works on", 50);
        assertThat(all).extracting(h -> h.entity().id()).doesNotContain("c3", "c4").hasSize(18);
        assertThat(all).filteredOn(h -> h.entity().id().equals("c1")).singleElement()
                .satisfies(h -> assertThat(h.version()).isEqualTo(2));
        assertThat(all).filteredOn(h -> h.entity().id().equals("c2")).singleElement()
                .satisfies(h -> {
                    assertThat(h.version()).isEqualTo(5);
                    assertThat(h.snippet()).contains("fisheries");
                });
        assertThat(pipeline.worker().metrics().total(Outcome.STALE)).isEqualTo(staleBefore + 1);
    }

    @Test
    void unchangedText_producesNoNewVector() throws Exception {
        String t = "t-unchanged";
        publisher.publish(ContactEvent.upsert(t, "u", 1, "Una", "Org", "Role", "Same notes.", null));
        drain();
        long unchanged = pipeline.worker().metrics().total(Outcome.UNCHANGED);
        long embedded = pipeline.worker().metrics().total(Outcome.EMBEDDED);
        publisher.publish(ContactEvent.upsert(t, "u", 2, "Una", "Org", "Role", "Same notes.", null));
        drain();
        assertThat(pipeline.worker().metrics().total(Outcome.UNCHANGED)).isEqualTo(unchanged + 1);
        assertThat(pipeline.worker().metrics().total(Outcome.EMBEDDED)).isEqualTo(embedded);
    }

    @Test
    void longDocument_isStoredAsChunks_andShrinkingItRemovesTheLeftovers() throws Exception {
        String t = "t-docs";
        String body = String.join(" ", Collections.nCopies(150,
                "Consumer groups spread the partitions of a topic over their members."));
        publisher.publish(DocumentEvent.upsert(t, "d1", 1, "Scaling Kafka consumers", body));
        drain();
        long chunks = pipeline.store().count(t);
        assertThat(chunks).isGreaterThan(3);
        publisher.publish(DocumentEvent.upsert(t, "d1", 2, "Scaling Kafka consumers", "A short body now."));
        drain();
        assertThat(pipeline.store().count(t)).isEqualTo(1);
        publisher.publish(DocumentEvent.delete(t, "d1", 3));
        drain();
        assertThat(pipeline.store().count(t)).isZero();
    }

    @Test
    void invalidRecords_goToTheDeadLetterTopic_withReasons_andValidNeighboursAreProcessed() throws Exception {
        String t = "t-dlq";
        TopicNames topics = TopicNames.DEFAULT;
        ChangeEventCodec codec = new ChangeEventCodec();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 * 1024 * 1024));
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            byte[] key = EntityKey.contact(t, "bad").toKafkaKey().getBytes(StandardCharsets.UTF_8);
            raw.send(new ProducerRecord<>(topics.contacts(), key, "{oops".getBytes(StandardCharsets.UTF_8)));
            raw.send(new ProducerRecord<>(topics.contacts(), key,
                    "{\"schema\":\"contact.v9\",\"op\":\"upsert\"}".getBytes(StandardCharsets.UTF_8)));
            raw.send(new ProducerRecord<>(topics.contacts(), key, ("{\"schema\":\"contact.v1\",\"op\":\"upsert\","
                    + "\"tenantId\":\"" + t + "\",\"version\":1,\"name\":\"No Id\"}").getBytes(StandardCharsets.UTF_8)));
            String huge = "x".repeat(300 * 1024);
            raw.send(new ProducerRecord<>(topics.contacts(), key, ("{\"schema\":\"contact.v1\",\"op\":\"upsert\","
                    + "\"tenantId\":\"" + t + "\",\"contactId\":\"bad\",\"version\":1,\"notes\":\"" + huge + "\"}")
                    .getBytes(StandardCharsets.UTF_8)));
            ContactEvent ok = ContactEvent.upsert(t, "ok", 1, "Valid Neighbour", "Org", "Role", "Fine.", null);
            raw.send(new ProducerRecord<>(topics.contacts(), ok.key().toKafkaKey().getBytes(StandardCharsets.UTF_8),
                    codec.encode(ok)));
            raw.flush();
        }
        drain();
        assertThat(pipeline.store().count(t)).isEqualTo(1);
        List<ConsumerRecord<byte[], byte[]>> dead = readDeadLetters(t);
        assertThat(dead).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON))
                .containsExactly("BAD_JSON", "UNKNOWN_SCHEMA", "MISSING_FIELD", "TEXT_TOO_LARGE");
        assertThat(dead).allSatisfy(r -> {
            assertThat(DeadLetters.header(r.headers(), DeadLetters.ORIGINAL_TOPIC)).isEqualTo(topics.contacts());
            assertThat(DeadLetters.header(r.headers(), DeadLetters.ORIGINAL_OFFSET)).matches("\\d+");
            assertThat(DeadLetters.header(r.headers(), DeadLetters.EXCEPTION_MESSAGE)).isNotBlank();
        });
        assertThat(pipeline.worker().isRunning()).isTrue();
    }

    private List<ConsumerRecord<byte[], byte[]>> readDeadLetters(String tenant) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + tenant);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        String prefix = EntityKey.contact(tenant, "x").toKafkaKey().split("/")[0] + "/";
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(TopicNames.DEFAULT.deadLetter()));
            long deadline = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < deadline && out.size() < 4) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.key() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith(prefix)) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }
}
