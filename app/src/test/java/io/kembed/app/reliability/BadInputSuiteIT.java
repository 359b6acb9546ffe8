package io.kembed.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.app.pipeline.PipelineOptions;
import io.kembed.app.reliability.BadChangeEvents.Case;
import io.kembed.app.reliability.BadChangeEvents.DeadLetter;
import io.kembed.app.reliability.BadChangeEvents.Deleted;
import io.kembed.app.reliability.BadChangeEvents.Rejected;
import io.kembed.app.reliability.BadChangeEvents.Stored;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.event.EntityKey;
import io.kembed.core.event.InvalidEventException;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The bad-input suite on one real pipeline (embedded KRaft broker, embed worker, sink, Lucene, all-MiniLM-L6-v2
 * int8): over 200 generated malformed and edge-case change records ({@link BadChangeEvents}) published raw,
 * each followed by a valid neighbour; every bad record must land in the dead-letter topic with its expected reason
 * or be processed correctly, every neighbour must be searchable, and the worker must keep running. Request inputs
 * (rerank, query embedding, {@code SearchClient.search}) are in {@link BadRequestSuiteIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputSuiteIT {

    private static final Duration DRAIN = Duration.ofMinutes(3);
    private static final String NEIGHBOURS = "bi-ok";

    private Path work;
    private BiEncoder encoder;
    private LocalPipeline pipeline;
    private KafkaProducer<byte[], byte[]> raw;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("kembed-bad-input-it");
        var spec = ModelRegistry.get("all-minilm-l6-v2-q");
        encoder = BiEncoder.load(spec,
                BiEncoderOptions.forWorker(spec).withCacheDir(Path.of("target", "kembed-models").toAbsolutePath()));
        PipelineOptions options = new PipelineOptions(null, TopicNames.DEFAULT, new TopicAdmin.Layout(2, (short) 1),
                encoder.spec(), work.resolve("lucene"), PipelineOptions.defaultCollection(encoder.spec()),
                work.resolve("state"), Map.of());
        pipeline = LocalPipeline.start(options, encoder);
        raw = rawProducer(4 * 1024 * 1024);
    }

    @AfterAll
    void stop() throws Exception {
        if (raw != null) {
            raw.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        if (encoder != null) {
            encoder.close();
        }
        org.apache.kafka.common.utils.Utils.delete(work.toFile());
    }

    private KafkaProducer<byte[], byte[]> rawProducer(int maxRequestSize) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRequestSize));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.RETRIES_CONFIG, "0"); // a rejected record must fail now, not after delivery.timeout.ms
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String origin(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }

    private RecordMetadata send(String topic, byte[] key, byte[] value) throws Exception {
        return raw.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }

    private ContactEvent neighbour(int i) {
        return ContactEvent.upsert(NEIGHBOURS, "n-" + i, 1, "Neighbour " + i, "Org " + i, "Role",
                "Valid neighbour number " + i + " of a bad record.", null);
    }

    @Test
    void badChangeRecords_areDeadLetteredWithTheirReason_orProcessed_andEveryValidNeighbourIsSearchable()
            throws Exception {
        ReliabilityReport report = ReliabilityReport.scenario("bad-input.change-events", "Bad input",
                "Malformed and edge-case change records, each followed by a valid neighbour, through a real embed "
                        + "worker and sink");
        try {
            List<Case> cases = BadChangeEvents.generate(TopicNames.DEFAULT);
            assertThat(cases).hasSizeGreaterThanOrEqualTo(200);
            long deadBefore = pipeline.worker().metrics().total(Outcome.DEAD_LETTERED);
            Map<String, Case> byOrigin = new LinkedHashMap<>();
            Map<String, Integer> rejected = new TreeMap<>();
            var codec = new io.kembed.core.event.ChangeEventCodec();
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                if (c.expect() instanceof Rejected r) {
                    assertThatThrownBy(() -> send(c.topic(), c.key(), c.value())).as(c.name())
                            .isInstanceOf(ExecutionException.class)
                            .satisfies(e -> assertThat(e.getCause().getClass().getSimpleName()).isEqualTo(r.exception()));
                    rejected.merge(r.exception(), 1, Integer::sum);
                } else {
                    RecordMetadata m = send(c.topic(), c.key(), c.value());
                    byOrigin.put(origin(m.topic(), m.partition(), m.offset()), c);
                }
                ContactEvent n = neighbour(i);
                send(TopicNames.DEFAULT.contacts(), n.key().toKafkaKey().getBytes(StandardCharsets.UTF_8),
                        codec.encode(n));
            }
            assertThat(pipeline.awaitDrained(DRAIN)).as("pipeline drained").isTrue();

            long expectedDead = cases.stream().filter(c -> c.expect() instanceof DeadLetter).count();
            Map<String, ConsumerRecord<byte[], byte[]>> dead = readDeadLetters(byOrigin.keySet(), expectedDead);
            List<String> wrong = new ArrayList<>();
            List<EntityKey> storedKeys = cases.stream().filter(c -> c.expect() instanceof Stored)
                    .map(c -> ((Stored) c.expect()).entity()).toList();
            Map<EntityKey, Long> versions = pipeline.store().storedVersions(storedKeys);
            Map<String, Integer> byReason = new TreeMap<>();
            Map<String, Integer> byCategory = new TreeMap<>();
            cases.stream().filter(c -> c.expect() instanceof Rejected).forEach(c -> byCategory.merge(c.category(), 1,
                    Integer::sum));
            for (Map.Entry<String, Case> e : byOrigin.entrySet()) {
                Case c = e.getValue();
                byCategory.merge(c.category(), 1, Integer::sum);
                ConsumerRecord<byte[], byte[]> d = dead.get(e.getKey());
                String actual = d == null ? null : DeadLetters.header(d.headers(), DeadLetters.REASON);
                if (c.expect() instanceof DeadLetter expected) {
                    if (!expected.reason().equals(actual)) {
                        wrong.add(c.name() + ": expected DLQ " + expected.reason() + ", got "
                                + (actual == null ? "no dead letter" : actual + " ("
                                        + DeadLetters.header(d.headers(), DeadLetters.EXCEPTION_MESSAGE) + ")"));
                    } else {
                        byReason.merge(actual, 1, Integer::sum);
                        assertThat(d.value()).as("dead letter keeps the original value: " + c.name())
                                .isEqualTo(c.value());
                    }
                } else if (actual != null) {
                    wrong.add(c.name() + ": expected " + c.expectLabel() + ", dead-lettered " + actual + " ("
                            + DeadLetters.header(d.headers(), DeadLetters.EXCEPTION_MESSAGE) + ")");
                } else if (c.expect() instanceof Stored s && !Long.valueOf(s.version()).equals(versions.get(s.entity()))) {
                    wrong.add(c.name() + ": expected stored at v" + s.version() + ", store has "
                            + versions.get(s.entity()));
                }
            }
            assertThat(wrong).as("cases whose outcome differs from the expected one").isEmpty();
            assertThat(dead).as("no dead letters beyond the expected ones").hasSize((int) expectedDead);
            assertThat(pipeline.worker().metrics().total(Outcome.DEAD_LETTERED) - deadBefore).isEqualTo(expectedDead);
            assertThat(pipeline.store().count(BadChangeEvents.DELETE_TENANT)).isZero();

            // every valid neighbour is stored and found by a search of its tenant
            long deletes = cases.stream().filter(c -> c.expect() instanceof Deleted).count();
            long stored = storedKeys.size();
            assertThat(pipeline.store().count(NEIGHBOURS)).isEqualTo(cases.size());
            List<SearchHit> hits = pipeline.store().search(NEIGHBOURS, encoder.embedQuery("valid neighbour"),
                    cases.size());
            assertThat(hits).extracting(h -> h.entity().id()).doesNotHaveDuplicates().hasSize(cases.size());
            List<SearchHit> one = pipeline.store().search(NEIGHBOURS,
                    encoder.embedQuery(neighbour(123).embeddableText()), 1);
            assertThat(one).extracting(h -> h.entity().id()).containsExactly("n-123");
            assertThat(pipeline.worker().isRunning()).as("embed worker RUNNING after the suite").isTrue();
            assertThat(pipeline.worker().health().liveness().values()).allSatisfy(h -> assertThat(h.check().up())
                    .isTrue());

            report.events(2L * cases.size())
                    .lost(cases.size() - pipeline.store().count(NEIGHBOURS)
                            + storedKeys.size() - versions.size())
                    .figure("bad or edge-case records", cases.size())
                    .figure("dead-lettered", dead.size())
                    .figure("processed: stored", stored)
                    .figure("processed: deletes", deletes)
                    .figure("valid neighbours searchable", cases.size() + "/" + cases.size())
                    .figure("refused by the broker", rejected.toString().replace("=", ": "))
                    .figure("dead-lettered by reason", byReason.toString().replace("=", ": "))
                    .figure("cases by kind", byCategory.toString().replace("=", ": "))
                    .figure("worker", pipeline.worker().state().toString())
                    .passed();
        } catch (Throwable t) {
            report.failed(t);
            throw t;
        }
    }

    @Test
    void tenMegabyteEvent_failsClearlyAtThePublisher_andNeverReachesTheWorker() throws Exception {
        ReliabilityReport report = ReliabilityReport.scenario("bad-input.ten-megabytes", "Bad input",
                "A 10 MB change event: ChangePublisher, a raw producer, and a raw producer allowed 16 MiB requests");
        try {
            String tenMb = "m".repeat(10 * 1024 * 1024);
            ContactEvent huge = ContactEvent.upsert("bi-huge", "h-1", 1, "Huge", "Org", "Role", tenMb, null);
            // 1. the SDK validates before sending: a typed error in the caller, nothing sent
            try (ChangePublisher publisher = pipeline.publisher()) {
                assertThatThrownBy(() -> publisher.publish(huge)).isInstanceOf(InvalidEventException.class)
                        .satisfies(e -> assertThat(((InvalidEventException) e).reason())
                                .isEqualTo(InvalidEventException.Reason.TEXT_TOO_LARGE))
                        .hasMessageContaining("bytes, more than the limit of 262144 bytes");
            }
            byte[] value = new io.kembed.core.event.ChangeEventCodec().encode(huge);
            byte[] key = huge.key().toKafkaKey().getBytes(StandardCharsets.UTF_8);
            // 2. a raw producer with Kafka's default 1 MiB max.request.size refuses it itself
            try (KafkaProducer<byte[], byte[]> small = rawProducer(1024 * 1024)) {
                assertThatThrownBy(() -> small.send(new ProducerRecord<>(TopicNames.DEFAULT.contacts(), key, value))
                        .get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(RecordTooLargeException.class);
            }
            // 3. a producer allowed 16 MiB sends it, and the broker rejects it (topic max.message.bytes 4 MiB)
            try (KafkaProducer<byte[], byte[]> big = rawProducer(16 * 1024 * 1024)) {
                assertThatThrownBy(() -> big.send(new ProducerRecord<>(TopicNames.DEFAULT.contacts(), key, value))
                        .get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(RecordTooLargeException.class);
            }
            ContactEvent after = ContactEvent.upsert("bi-huge", "h-2", 1, "After", "Org", "Role", "Small.", null);
            send(TopicNames.DEFAULT.contacts(), after.key().toKafkaKey().getBytes(StandardCharsets.UTF_8),
                    new io.kembed.core.event.ChangeEventCodec().encode(after));
            assertThat(pipeline.awaitDrained(DRAIN)).isTrue();
            assertThat(pipeline.store().storedVersions(List.of(huge.key(), after.key())))
                    .containsExactly(Map.entry(after.key(), 1L));
            report.events(4).figure("rejected by ChangePublisher", "TEXT_TOO_LARGE (InvalidEventException)")
                    .figure("rejected by the producer (1 MiB max.request.size)", "RecordTooLargeException")
                    .figure("rejected by the broker (4 MiB max.message.bytes)", "RecordTooLargeException")
                    .figure("reached the worker", 0).figure("neighbour after it stored", "yes").passed();
        } catch (Throwable t) {
            report.failed(t);
            throw t;
        }
    }

    @Test
    void badVectorsRecords_areDeadLetteredByTheSink_whichKeepsWriting() throws Exception {
        ReliabilityReport report = ReliabilityReport.scenario("bad-input.vectors-records", "Bad input",
                "Malformed records written straight to the vectors topic, read by the real sink");
        try {
            String topic = TopicNames.DEFAULT.vectors(Fixtures.MODEL.id());
            EntityKey key = EntityKey.contact("bi-vec", "v-1");
            byte[] k = key.toKafkaKey().getBytes(StandardCharsets.UTF_8);
            io.kembed.core.vector.EmbeddingRecord threeDims = io.kembed.core.vector.EmbeddingRecord.upsert(key, 1,
                    encoder.spec().id(), 3, null, "t", List.of(new io.kembed.core.vector.ChunkVector(0, 1, false, "x",
                            new float[] {1, 0, 0})), 0);
            String good = new String(io.kembed.core.vector.EmbeddingRecordCodec.encode(threeDims),
                    StandardCharsets.UTF_8);
            Map<String, byte[]> bad = new LinkedHashMap<>();
            bad.put("not JSON", "{oops".getBytes(StandardCharsets.UTF_8));
            bad.put("empty value", new byte[0]);
            bad.put("a JSON array", "[]".getBytes(StandardCharsets.UTF_8));
            bad.put("unknown vectors schema", good.replace("\"vectors.v1\"", "\"vectors.v9\"")
                    .getBytes(StandardCharsets.UTF_8));
            bad.put("3 dims for a 384-dim collection", good.getBytes(StandardCharsets.UTF_8));
            bad.put("dims field disagrees with the vector", good.replace("\"dims\":3", "\"dims\":384")
                    .getBytes(StandardCharsets.UTF_8));
            bad.put("invalid UTF-8", new byte[] {'{', '"', (byte) 0xC3, 0x28, '"', ':', '1', '}'});
            Map<String, String> names = new HashMap<>();
            long before = pipeline.sink().deadLettered();
            for (Map.Entry<String, byte[]> e : bad.entrySet()) {
                RecordMetadata m = send(topic, k, e.getValue());
                names.put(origin(m.topic(), m.partition(), m.offset()), e.getKey());
            }
            ContactEvent after = ContactEvent.upsert("bi-vec", "v-2", 1, "After", "Org", "Role", "Fine.", null);
            send(TopicNames.DEFAULT.contacts(), after.key().toKafkaKey().getBytes(StandardCharsets.UTF_8),
                    new io.kembed.core.event.ChangeEventCodec().encode(after));
            assertThat(pipeline.awaitDrained(DRAIN)).isTrue();
            Map<String, ConsumerRecord<byte[], byte[]>> dead = readDeadLetters(names.keySet(), bad.size());
            assertThat(dead).hasSize(bad.size());
            assertThat(dead.values()).allSatisfy(r -> {
                assertThat(DeadLetters.header(r.headers(), DeadLetters.STAGE)).isEqualTo("sink");
                assertThat(DeadLetters.header(r.headers(), DeadLetters.REASON)).isEqualTo("BAD_VECTORS");
            });
            assertThat(pipeline.sink().deadLettered() - before).isEqualTo(bad.size());
            assertThat(pipeline.store().storedVersions(List.of(key, after.key())))
                    .containsExactly(Map.entry(after.key(), 1L));
            assertThat(pipeline.sink().health().liveness().values()).allSatisfy(h -> assertThat(h.check().up())
                    .isTrue());
            report.events(bad.size() + 1L).figure("malformed vectors records", bad.size())
                    .figure("dead-lettered by the sink (BAD_VECTORS)", dead.size())
                    .figure("valid change after them stored", "yes").passed();
        } catch (Throwable t) {
            report.failed(t);
            throw t;
        }
    }

    /** Dead letters whose original record is one of {@code origins}, by origin; waits for {@code expected}. */
    private Map<String, ConsumerRecord<byte[], byte[]>> readDeadLetters(java.util.Set<String> origins, long expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bad-input-dlq-reader-" + java.util.UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
        Map<String, ConsumerRecord<byte[], byte[]>> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(TopicNames.DEFAULT.deadLetter()));
            long deadline = System.currentTimeMillis() + 30_000;
            long quietUntil = Long.MAX_VALUE;
            while (System.currentTimeMillis() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    String o = origin(DeadLetters.header(r.headers(), DeadLetters.ORIGINAL_TOPIC),
                            Integer.parseInt(DeadLetters.header(r.headers(), DeadLetters.ORIGINAL_PARTITION)),
                            Long.parseLong(DeadLetters.header(r.headers(), DeadLetters.ORIGINAL_OFFSET)));
                    if (origins.contains(o)) {
                        assertThat(out.put(o, r)).as("one dead letter per record: " + o).isNull();
                    }
                }
                if (out.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.currentTimeMillis() + 2_000; // and then any extra ones
                }
            }
        }
        return out;
    }

    static String summary(Map<String, Integer> m) {
        return m.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
