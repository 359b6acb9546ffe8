package io.kembed.embed.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.event.ContactEvent;
import io.kembed.core.event.ChangeEventCodec;
import io.kembed.core.event.DocumentEvent;
import io.kembed.core.event.EntityKey;
import io.kembed.core.event.Op;
import io.kembed.core.kafka.DeadLetters;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.vector.EmbeddingRecord;
import io.kembed.core.vector.EmbeddingRecordCodec;
import io.kembed.core.vector.FloatVectors;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.EmbedMetrics;
import io.kembed.embed.EmbedMetrics.Outcome;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.embed.EmbeddingException;
import io.kembed.embed.PassageEncoder;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import io.kembed.embed.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embed worker's per-entity logic on Kafka's {@link TopologyTestDriver} with a real model (all-MiniLM-L6-v2
 * int8, the smallest bundled one): versions, unchanged-text skips, deletes, tombstones, dead letters, chunking and
 * buffering.
 */
class EmbedProcessorTest {

    private static final TopicNames TOPICS = TopicNames.DEFAULT;
    private static BiEncoder encoder;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> contacts;
    private TestInputTopic<byte[], byte[]> documents;
    private TestOutputTopic<byte[], byte[]> vectors;
    private TestOutputTopic<byte[], byte[]> dlq;
    private EmbedMetrics metrics;
    private final ChangeEventCodec codec = new ChangeEventCodec();

    @BeforeAll
    static void loadModel() {
        encoder = TestModels.load("all-minilm-l6-v2-q");
    }

    @AfterAll
    static void closeModel() {
        encoder.close();
    }

    @BeforeEach
    void startDriver() {
        start(3);
    }

    private void start(int maxPending) {
        start(maxPending, Map.of(), encoder::embedPassages);
    }

    /** Restarts the driver with these Kafka properties and this embedding call (a failure-injecting seam). */
    private void start(int maxPending, Map<String, Object> kafkaProperties, PassageEncoder passages) {
        if (driver != null) {
            driver.close();
        }
        EmbedWorkerConfig config = new EmbedWorkerConfig("unused:9092", null, TOPICS, encoder.spec(), maxPending,
                Duration.ofSeconds(1), Duration.ofMillis(100), 16, null, stateDir, 1, kafkaProperties);
        metrics = new EmbedMetrics(new SimpleMeterRegistry(), encoder.spec().id());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(EmbedTopology.build(config, encoder, passages, metrics,
                io.kembed.embed.InferenceLane.UNGATED), props);
        contacts = driver.createInputTopic(TOPICS.contacts(), new ByteArraySerializer(), new ByteArraySerializer());
        documents = driver.createInputTopic(TOPICS.documents(), new ByteArraySerializer(), new ByteArraySerializer());
        vectors = driver.createOutputTopic(TOPICS.vectors(encoder.spec().id()), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        dlq = driver.createOutputTopic(TOPICS.deadLetter(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private void send(ContactEvent e) {
        contacts.pipeInput(key(e.key()), codec.encode(e));
    }

    private static byte[] key(EntityKey k) {
        return k.toKafkaKey().getBytes(StandardCharsets.UTF_8);
    }

    private void flush() {
        driver.advanceWallClockTime(Duration.ofSeconds(2));
    }

    private List<EmbeddingRecord> output() {
        return vectors.readValuesToList().stream().map(EmbeddingRecordCodec::decode).toList();
    }

    private static ContactEvent jane(long version, String notes) {
        return ContactEvent.upsert("acme", "c-1", version, "Jane Doe", "Acme", "CEO", notes, List.of("retail"));
    }

    @Test
    void upsert_isEmbeddedAfterFlush_withNormalisedVectorAndVersion() {
        send(jane(1, "Leads the retail business."));
        assertThat(vectors.isEmpty()).as("buffered until the flush interval or a full buffer").isTrue();
        flush();
        List<EmbeddingRecord> out = output();
        assertThat(out).hasSize(1);
        EmbeddingRecord r = out.get(0);
        assertThat(r.op()).isEqualTo(Op.UPSERT);
        assertThat(r.version()).isEqualTo(1);
        assertThat(r.modelId()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(r.modelRevision()).isEqualTo("lc4j-1.20.0-beta30-int8") // the weights' revision, per vector
                .isEqualTo(io.kembed.core.model.ModelRegistry.get("all-minilm-l6-v2-q").revision());
        assertThat(r.chunks()).hasSize(1);
        assertThat(r.chunks().get(0).vector()).hasSize(384);
        assertThat(FloatVectors.norm(r.chunks().get(0).vector())).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(r.title()).isEqualTo("Jane Doe, CEO, Acme");
        assertThat(metrics.total(Outcome.EMBEDDED)).isEqualTo(1);
    }

    @Test
    void flushInterval_isTheAgeOfTheOldestBufferedChange_notAFixedTick() {
        // flush interval 1 s; a change arriving 100 ms before a fixed 1 s tick would be flushed after 100 ms
        driver.advanceWallClockTime(Duration.ofMillis(900));
        send(jane(1, "Leads the retail business."));
        driver.advanceWallClockTime(Duration.ofMillis(200));
        assertThat(vectors.isEmpty()).as("200 ms old, interval 1 s: still buffered").isTrue();
        driver.advanceWallClockTime(Duration.ofMillis(900));
        assertThat(output()).as("1.1 s old: flushed").hasSize(1);
    }

    @Test
    void fullBuffer_flushesWithoutWaitingForTheInterval() {
        for (int i = 0; i < 3; i++) {
            send(ContactEvent.upsert("acme", "c-" + i, 1, "Person " + i, "Acme", "Engineer", "Works on " + i, null));
        }
        assertThat(output()).hasSize(3);
    }

    /** Fails, like an ONNX Runtime error would, every embedding call whose texts include one with "POISON". */
    private static PassageEncoder poisoned(AtomicInteger calls) {
        return (texts, lane) -> {
            calls.incrementAndGet();
            if (texts.stream().anyMatch(t -> t.contains("POISON"))) {
                throw new EmbeddingException("injected inference failure for a marked text", null);
            }
            return encoder.embedPassages(texts, lane);
        };
    }

    @Test
    void inferenceFailure_isIsolatedBySplittingTheBatch_deadLettered_andTheRestIsEmbedded() {
        AtomicInteger calls = new AtomicInteger();
        start(8, Map.of(), poisoned(calls));
        for (int i = 0; i < 8; i++) {
            String notes = i == 5 ? "POISON pill number " + i : "Works on topic " + i;
            send(ContactEvent.upsert("acme", "p-" + i, 1, "Person " + i, "Acme", "Engineer", notes, null));
        }
        List<EmbeddingRecord> out = output();
        assertThat(out).extracting(r -> r.key().id())
                .containsExactlyInAnyOrder("p-0", "p-1", "p-2", "p-3", "p-4", "p-6", "p-7");
        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).singleElement().satisfies(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).endsWith("/p-5");
            assertThat(DeadLetters.header(r.headers(), DeadLetters.REASON)).isEqualTo("EMBED_FAILED");
            assertThat(DeadLetters.header(r.headers(), DeadLetters.ORIGINAL_OFFSET)).isEqualTo("5");
            assertThat(DeadLetters.header(r.headers(), DeadLetters.EXCEPTION_CLASS)).endsWith("EmbeddingException");
            assertThat(codec.decodeValue(r.value()).embeddableText()).contains("POISON");
        });
        // 8 -> 4+4 -> 2+2 -> 1+1: three splits on the poison's path, one call per half
        assertThat(metrics.batchSplits()).isEqualTo(3);
        assertThat(calls.get()).isEqualTo(7);
        assertThat(metrics.total(Outcome.DEAD_LETTERED)).isEqualTo(1);
        assertThat(metrics.pending()).isZero();

        // the partition is not blocked: later changes, and a new version of the poisoned entity, are embedded
        send(ContactEvent.upsert("acme", "p-8", 1, "Person 8", "Acme", "Engineer", "Later change.", null));
        send(ContactEvent.upsert("acme", "p-5", 2, "Person 5", "Acme", "Engineer", "Healthy now.", null));
        flush();
        assertThat(output()).extracting(r -> r.key().id()).containsExactlyInAnyOrder("p-8", "p-5");
    }

    @Test
    void flushOverItsTimeBudget_leavesTheRestBuffered_andEmbedsItAtTheNextFlush() {
        // max.poll.interval.ms 2 ms: a budget of 1 ms, so only the first slice (32 texts) of a flush runs
        start(40, Map.of("consumer.max.poll.interval.ms", "2"), encoder::embedPassages);
        for (int i = 0; i < 40; i++) {
            send(ContactEvent.upsert("acme", "b-" + i, 1, "Person " + i, "Acme", "Engineer", "Topic " + i, null));
        }
        assertThat(output()).as("first slice of the full buffer").hasSize(EmbedProcessor.SLICE_TEXTS);
        assertThat(metrics.pending()).isEqualTo(40 - EmbedProcessor.SLICE_TEXTS);
        assertThat(metrics.flushesDeferred()).isEqualTo(1);
        driver.advanceWallClockTime(Duration.ofMillis(300)); // due at once, not after another flush interval
        assertThat(output()).hasSize(40 - EmbedProcessor.SLICE_TEXTS);
        assertThat(metrics.pending()).isZero();
        assertThat(metrics.total(Outcome.EMBEDDED)).isEqualTo(40);
    }

    @Test
    void slices_keepChangesWhole_andHoldAtMostTheTextLimit_unlessOneChangeAloneExceedsIt() {
        List<Integer> textCounts = List.of(1, 1, 30, 2, 40, 3);
        List<List<Integer>> slices = EmbedProcessor.slices(textCounts, n -> n, 32);
        assertThat(slices).containsExactly(List.of(1, 1, 30), List.of(2), List.of(40), List.of(3));
        assertThat(EmbedProcessor.slices(new ArrayList<Integer>(), n -> n, 32)).isEmpty();
    }

    @Test
    void updateWithSameText_producesNoVector_andIsCounted() {
        send(jane(1, "Same notes."));
        flush();
        assertThat(output()).hasSize(1);
        send(jane(2, "Same notes."));
        flush();
        assertThat(output()).isEmpty();
        assertThat(metrics.total(Outcome.UNCHANGED)).isEqualTo(1);
        send(jane(3, "Different notes now."));
        flush();
        assertThat(output()).singleElement().extracting(EmbeddingRecord::version).isEqualTo(3L);
    }

    @Test
    void olderVersion_isIgnoredAndCounted_equalVersionIsADuplicate() {
        send(jane(5, "Version five."));
        flush();
        output();
        send(jane(4, "Older version four."));
        send(jane(5, "Version five again."));
        flush();
        assertThat(output()).isEmpty();
        assertThat(metrics.total(Outcome.STALE)).isEqualTo(1);
        assertThat(metrics.total(Outcome.DUPLICATE)).isEqualTo(1);
    }

    @Test
    void newerVersionInTheBuffer_supersedesTheOlderOne() {
        send(jane(1, "First."));
        send(jane(2, "Second."));
        flush();
        assertThat(output()).singleElement().extracting(EmbeddingRecord::version).isEqualTo(2L);
        assertThat(metrics.total(Outcome.SUPERSEDED)).isEqualTo(1);
    }

    @Test
    void deleteOp_andTombstone_bothEmitDeletes_andBlockOlderUpserts() {
        send(jane(1, "Hello."));
        flush();
        output();
        send(ContactEvent.delete("acme", "c-1", 2));
        assertThat(output()).singleElement().satisfies(r -> {
            assertThat(r.op()).isEqualTo(Op.DELETE);
            assertThat(r.version()).isEqualTo(2);
        });
        send(jane(1, "A late, older upsert."));
        flush();
        assertThat(output()).isEmpty();

        ContactEvent bob = ContactEvent.upsert("acme", "c-2", 7, "Bob", "Acme", "CTO", "Builds things.", null);
        send(bob);
        flush();
        output();
        contacts.pipeInput(key(bob.key()), (byte[]) null);
        assertThat(output()).singleElement().satisfies(r -> {
            assertThat(r.op()).isEqualTo(Op.DELETE);
            assertThat(r.version()).isEqualTo(7);
        });
        assertThat(metrics.total(Outcome.DELETED)).isEqualTo(2);
    }

    @Test
    void deleteOfABufferedUpsert_dropsItBeforeItIsEmbedded() {
        send(jane(1, "Buffered."));
        send(ContactEvent.delete("acme", "c-1", 2));
        flush();
        assertThat(output()).singleElement().extracting(EmbeddingRecord::op).isEqualTo(Op.DELETE);
    }

    @Test
    void invalidRecords_goToTheDeadLetterTopic_withOriginAndReason_andProcessingContinues() {
        contacts.pipeInput(key(EntityKey.contact("acme", "c-9")), "{not json".getBytes(StandardCharsets.UTF_8));
        contacts.pipeInput("no-slashes".getBytes(StandardCharsets.UTF_8), codec.encode(jane(1, "ok")));
        contacts.pipeInput(key(EntityKey.contact("acme", "other")), codec.encode(jane(1, "key mismatch")));
        contacts.pipeInput(key(EntityKey.contact("acme", "c-1")),
                "{\"schema\":\"contact.v1\",\"op\":\"upsert\",\"tenantId\":\"acme\",\"contactId\":\"c-1\",\"version\":\"3\"}"
                        .getBytes(StandardCharsets.UTF_8));
        send(jane(1, "A valid neighbour."));
        flush();
        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON))
                .containsExactly("BAD_JSON", "BAD_KEY", "KEY_MISMATCH", "WRONG_TYPE");
        TestRecord<byte[], byte[]> first = dead.get(0);
        assertThat(DeadLetters.header(first.headers(), DeadLetters.ORIGINAL_TOPIC)).isEqualTo(TOPICS.contacts());
        assertThat(DeadLetters.header(first.headers(), DeadLetters.ORIGINAL_PARTITION)).isEqualTo("0");
        assertThat(DeadLetters.header(first.headers(), DeadLetters.ORIGINAL_OFFSET)).isEqualTo("0");
        assertThat(DeadLetters.header(first.headers(), DeadLetters.EXCEPTION_CLASS)).endsWith("InvalidEventException");
        assertThat(DeadLetters.header(first.headers(), DeadLetters.STAGE)).isEqualTo("embed");
        assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(output()).hasSize(1);
        assertThat(metrics.total(Outcome.DEAD_LETTERED)).isEqualTo(4);
    }

    @Test
    void longDocument_isChunked_andShrinkingItDeletesLeftOverChunks() {
        String body = String.join(" ", java.util.Collections.nCopies(120,
                "Kafka partitions spread the embedding work across consumer group members."));
        DocumentEvent longDoc = DocumentEvent.upsert("acme", "d-1", 1, "Scaling", body);
        documents.pipeInput(key(longDoc.key()), codec.encode(longDoc));
        flush();
        EmbeddingRecord first = output().get(0);
        assertThat(first.chunks().size()).isGreaterThan(3);
        assertThat(first.chunks()).allSatisfy(c -> assertThat(c.tokens()).isLessThanOrEqualTo(256));
        assertThat(first.staleChunksFrom()).isEqualTo(-1);

        DocumentEvent shorter = DocumentEvent.upsert("acme", "d-1", 2, "Scaling", "Now a short body.");
        documents.pipeInput(key(shorter.key()), codec.encode(shorter));
        flush();
        EmbeddingRecord second = output().get(0);
        assertThat(second.chunks()).hasSize(1);
        assertThat(second.previousChunkCount()).isEqualTo(first.chunks().size());
        assertThat(second.staleChunksFrom()).isEqualTo(1);
    }
}
