package io.kembed.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import io.kembed.core.ops.ConsumerLagGauges;
import io.kembed.core.ops.OpsServer;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.embed.EmbedWorker;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.producer.ChangePublisher;
import io.kembed.producer.PublisherConfig;
import io.kembed.sink.SinkWorker;
import io.kembed.sink.SinkWorkerConfig;
import io.kembed.sink.VectorStores;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workers' operations endpoints over real HTTP, with real workers on a real embedded KRaft broker, a real model
 * and a real Lucene store: {@code /ready} flips from 503 to 200 when partitions are assigned, {@code /metrics}
 * shows the worker meters with the values the records that flowed imply, {@code /live} turns 503 when the worker
 * stops.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class OpsEndpointsIT {

    /** Every sample name the workers' scrapes showed, for the dashboard check. */
    private static final java.util.Set<String> SCRAPED = new java.util.concurrent.ConcurrentSkipListSet<>();

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedKafka kafka;
    private static Admin admin;
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopKafka() {
        admin.close();
        kafka.close();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private PrometheusText scrape(int port) throws Exception {
        HttpResponse<String> r = get(port, OpsServer.METRICS_PATH);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct)
                .startsWith("text/plain; version=0.0.4"));
        PrometheusText text = PrometheusText.parse(r.body());
        text.samples().forEach(s -> SCRAPED.add(s.name()));
        return text;
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        await(() -> what, condition);
    }

    private static void await(java.util.function.Supplier<String> what, Callable<Boolean> condition)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what.get());
            }
            Thread.sleep(200);
        }
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void sink_readyFlipsWhenPartitionsAreAssigned_andMetricsCountWhatFlowed() throws Exception {
        TopicNames topics = new TopicNames("opssink");
        int dims = 4;
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // A short metadata age, so the sink sees the vectors topic soon after it is created below; no auto-creation
        // by the consumer's metadata request, which would create it with one partition first.
        SinkWorkerConfig config = SinkWorkerConfig.defaults(kafka.bootstrapServers(), "ops",
                io.kembed.core.model.ModelRegistry.DEFAULT_MODEL)
                .withTopics(topics).withKafkaProperties(Map.of("metadata.max.age.ms", "500",
                        "allow.auto.create.topics", "false"));
        try (VectorStore store = VectorStores.lucene(dir, "ops", dims);
                SinkWorker sink = SinkWorker.start(config, store, registry);
                OpsServer ops = OpsServer.start(0, registry, sink.health())) {
            // The topic does not exist yet: nothing can be assigned, so the sink is alive but not ready.
            HttpResponse<String> notReady = get(ops.port(), OpsServer.READY_PATH);
            assertThat(notReady.statusCode()).isEqualTo(503);
            JsonNode body = JSON.readTree(notReady.body());
            assertThat(body.get("status").asText()).isEqualTo("DOWN");
            assertThat(body.at("/checks/sink.partitions/up").asBoolean()).isFalse();
            assertThat(body.at("/checks/sink.store/up").asBoolean()).isTrue();
            assertThat(get(ops.port(), OpsServer.LIVE_PATH).statusCode()).isEqualTo(200);

            TopicAdmin.ensureTopics(admin, topics, new TopicAdmin.Layout(2, (short) 1));
            await("/ready to answer 200", () -> get(ops.port(), OpsServer.READY_PATH).statusCode() == 200);
            assertThat(get(ops.port(), OpsServer.HEALTH_PATH).statusCode()).isEqualTo(200);

            java.time.Instant occurred = java.time.Instant.now().minusSeconds(3);
            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                for (int i = 0; i < 20; i++) {
                    io.kembed.core.vector.EmbeddingRecord r = io.kembed.core.vector.EmbeddingRecord.upsert(
                            io.kembed.core.event.EntityKey.contact("t", "c" + i), 1, "m", dims, occurred, "T" + i,
                            List.of(new io.kembed.core.vector.ChunkVector(0, 3, false, "s",
                                    new float[] {1, 0, 0, 0})), 0);
                    producer.send(new ProducerRecord<>(topics.vectors(io.kembed.core.model.ModelRegistry.DEFAULT_MODEL),
                            r.key().toKafkaKey().getBytes(StandardCharsets.UTF_8),
                            io.kembed.core.vector.EmbeddingRecordCodec.encode(r)));
                }
                producer.send(new ProducerRecord<>(topics.vectors(io.kembed.core.model.ModelRegistry.DEFAULT_MODEL), "t/contact/bad".getBytes(StandardCharsets.UTF_8),
                        "not a vectors record".getBytes(StandardCharsets.UTF_8)));
            }
            await("20 points in the store", () -> store.count("t") == 20);
            try (ConsumerLagGauges lag = ConsumerLagGauges.start(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()), config.groupId(), List.of(topics.vectors(io.kembed.core.model.ModelRegistry.DEFAULT_MODEL)), registry,
                    Duration.ofSeconds(1))) {
                await(() -> "lag 0 on both partitions, last read " + lag.lastLag(), () -> lag.lastLag().size() == 2
                        && lag.lastLag().values().stream().allMatch(v -> v == 0));
                PrometheusText m = scrape(ops.port());
                assertThat(m.sum("kembed_sink_records_total")).isEqualTo(21.0);
                assertThat(m.sum("kembed_sink_points_total")).isEqualTo(20.0);
                assertThat(m.sum("kembed_dlq_records_total", "stage", "sink", "reason", "BAD_VECTORS")).isEqualTo(1.0);
                assertThat(m.sum("kembed_pipeline_latency_seconds_count")).isEqualTo(20.0);
                // Each of the 20 happened 3 s before it was sent, so each took at least 3 s end to end.
                assertThat(m.sum("kembed_pipeline_latency_seconds_sum")).isGreaterThanOrEqualTo(60.0);
                assertThat(m.find("kembed_pipeline_latency_seconds_bucket")).isNotEmpty();
                assertThat(m.sum("kembed_sink_poll_records_count")).isGreaterThanOrEqualTo(1.0);
                assertThat(m.sum("kembed_sink_store_write_seconds_count")).isGreaterThanOrEqualTo(1.0);
                assertThat(m.find("kembed_consumer_lag_records", "group", config.groupId(), "topic",
                        topics.vectors(io.kembed.core.model.ModelRegistry.DEFAULT_MODEL))).hasSize(2).allSatisfy(s -> assertThat(s.value()).isZero());
                // Kafka's own consumer metrics, through Micrometer's KafkaClientMetrics.
                assertThat(m.has("kafka_consumer_fetch_manager_records_consumed_total")).isTrue();
            }
            sink.close();
            HttpResponse<String> dead = get(ops.port(), OpsServer.LIVE_PATH);
            assertThat(dead.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(dead.body()).at("/checks/sink.thread/up").asBoolean()).isFalse();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void embedWorker_exposesInferenceTokensOutcomesAndDeadLetters() throws Exception {
        TopicNames topics = new TopicNames("opsembed");
        TopicAdmin.ensureTopics(admin, topics, new TopicAdmin.Layout(2, (short) 1));
        ModelSpec model = ModelRegistry.get("all-minilm-l6-v2-q");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (BiEncoder encoder = BiEncoder.load(model, BiEncoderOptions.forWorker(model)
                        .withCacheDir(Path.of("target", "kembed-models").toAbsolutePath()));
                ChangePublisher publisher = new ChangePublisher(new PublisherConfig(kafka.bootstrapServers(), topics,
                        Map.of()))) {
            EmbedWorkerConfig config = EmbedWorkerConfig.defaults(kafka.bootstrapServers(), model,
                    dir.resolve("state")).withTopics(topics);
            try (EmbedWorker worker = EmbedWorker.start(config, encoder, registry);
                    OpsServer ops = OpsServer.start(0, registry, worker.health())) {
                await("/ready to answer 200", () -> get(ops.port(), OpsServer.READY_PATH).statusCode() == 200);
                JsonNode ready = JSON.readTree(get(ops.port(), OpsServer.READY_PATH).body());
                assertThat(ready.at("/checks/embed.model/detail").asText()).contains(model.id());

                for (int i = 0; i < 5; i++) {
                    publisher.publish(ContactEvent.upsert("t", "c" + i, 1, "Person " + i, "Org", "Role",
                            "Works on offshore wind.", null));
                }
                publisher.flush();
                await("5 embedded", () -> worker.metrics().total(io.kembed.embed.EmbedMetrics.Outcome.EMBEDDED) == 5);
                // Same text, newer version: no new vector.
                publisher.publish(ContactEvent.upsert("t", "c0", 2, "Person 0", "Org", "Role",
                        "Works on offshore wind.", null));
                publisher.flush();
                try (KafkaProducer<byte[], byte[]> raw = producer()) {
                    raw.send(new ProducerRecord<>(topics.contacts(), "t/contact/x".getBytes(StandardCharsets.UTF_8),
                            "{not json".getBytes(StandardCharsets.UTF_8)));
                }
                await("1 unchanged and 1 dead letter", () -> worker.metrics().total(
                        io.kembed.embed.EmbedMetrics.Outcome.UNCHANGED) == 1 && worker.metrics().total(
                        io.kembed.embed.EmbedMetrics.Outcome.DEAD_LETTERED) == 1);

                PrometheusText m = scrape(ops.port());
                assertThat(m.sum("kembed_embed_records_total", "outcome", "embedded")).isEqualTo(5.0);
                assertThat(m.sum("kembed_embed_records_total", "outcome", "unchanged")).isEqualTo(1.0);
                assertThat(m.find("kembed_dlq_records_total", "stage", "embed")).singleElement()
                        .satisfies(s -> {
                            assertThat(s.value()).isEqualTo(1.0);
                            assertThat(s.labels().get("reason")).isNotBlank();
                        });
                assertThat(m.sum("kembed_embed_tokens_total")).isEqualTo((double) encoder.stats().tokens());
                assertThat(m.sum("kembed_embed_tokens_total")).isGreaterThan(5 * 5.0);
                assertThat(m.sum("kembed_embed_inference_seconds_count")).isEqualTo((double) encoder.stats().batches());
                assertThat(m.sum("kembed_embed_inference_seconds_sum"))
                        .isCloseTo(encoder.stats().inferenceNanos() / 1e9, org.assertj.core.data.Offset.offset(1e-6));
                assertThat(m.sum("kembed_embed_batch_texts_sum")).isEqualTo(5.0);
                assertThat(m.find("kembed_embed_inference_seconds_bucket")).isNotEmpty();
                assertThat(m.sum("kembed_embed_truncated_total")).isZero();
                // Kafka Streams' own metrics, through Micrometer's KafkaStreamsMetrics.
                assertThat(m.samples()).anyMatch(s -> s.name().startsWith("kafka_stream_"));
                assertThat(get(ops.port(), OpsServer.LIVE_PATH).statusCode()).isEqualTo(200);
            }
        }
    }

    /** Grafana's queries name only metrics the workers really expose (runs after the workers' tests above). */
    @Test
    @org.junit.jupiter.api.Order(3)
    void dashboard_queriesOnlyMetricsTheWorkersExpose() {
        java.util.Set<String> wanted = new java.util.TreeSet<>(io.kembed.app.infra.InfraFiles.dashboardMetrics());
        wanted.removeAll(io.kembed.app.infra.InfraFiles.OTHER_MODULES_METRICS);
        assertThat(wanted).isNotEmpty();
        assertThat(SCRAPED).as("scraped from the sink and the embed worker").containsAll(wanted);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
