package io.kembed.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.event.EntityKey;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.vector.EmbeddingRecord;
import io.kembed.core.vector.EmbeddingRecordCodec;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.EmbedWorker;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.producer.ChangePublisher;
import io.kembed.producer.PublisherConfig;
import io.kembed.sink.SinkWorker;
import io.kembed.sink.SinkWorkerConfig;
import io.kembed.sink.VectorStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fault suite, store outage: the vector store refuses every operation for 30 s in the middle of ingest
 * ({@link OutageStore}, a decorator: no Qdrant server can run here). The sink must retry with backoff, never
 * skip a batch, and never commit a vectors-topic offset past a record whose write is not durable: a watcher reads
 * the sink group's committed offsets every 100 ms together with what the store had made durable by then, and every
 * record below a committed offset must be covered (its entity durable at its version or a newer one).
 */
class VectorStoreOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final TopicNames TOPICS = TopicNames.DEFAULT;

    private Path work;
    private EmbeddedKafka kafka;
    private Admin admin;
    private BiEncoder encoder;
    private EmbedWorker worker;
    private OutageStore store;
    private SinkWorker sink;
    private ChangePublisher publisher;

    @BeforeEach
    void start() throws Exception {
        work = Files.createTempDirectory("kembed-fault-store");
        kafka = EmbeddedKafka.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        TopicAdmin.ensureTopics(admin, TOPICS, new TopicAdmin.Layout(4, (short) 1),
                java.util.List.of(Fixtures.MODEL.id()));
        encoder = Fixtures.encoder();
        worker = EmbedWorker.start(EmbedWorkerConfig.defaults(kafka.bootstrapServers(), encoder.spec(),
                work.resolve("state")), encoder, new SimpleMeterRegistry());
        store = new OutageStore(VectorStores.lucene(work.resolve("lucene"), "kembed__faults", encoder.spec().dims()));
        // Backoff 200 ms doubling to 2 s (default 10 s): the sink is back within 2 s of the store.
        sink = SinkWorker.start(new SinkWorkerConfig(kafka.bootstrapServers(),
                SinkWorkerConfig.defaultGroupId(store.collection()), TOPICS, Fixtures.MODEL.id(), 500, Duration.ofMillis(200),
                Duration.ofSeconds(2), Duration.ofSeconds(1), Map.of()), store);
        publisher = new ChangePublisher(new PublisherConfig(kafka.bootstrapServers(), TOPICS, Map.of()));
    }

    @AfterEach
    void stop() throws Exception {
        Fixtures.closeAll(work, publisher, sink, worker, store, encoder, admin, kafka);
    }

    @Test
    void storeDownFor30s_sinkRetries_commitsNothingUnwritten_andEndsEqualToTheSource() throws Exception {
        Fixtures.record(ReliabilityReport.scenario("fault.3-vector-store-outage", Fixtures.SUITE,
                "Vector store unavailable for 30 s during ingest"), report -> {
            Workload source = new Workload(publisher, 3, List.of("t-store-a", "t-store-b"), 200);
            source.createAll();
            source.flush();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Snapshot> snapshots = new CopyOnWriteArrayList<>();
            Thread watcher = new Thread(() -> watch(running, snapshots), "offset-watcher");
            watcher.start();
            Thread producer = new Thread(() -> {
                while (running.get()) {
                    source.round(0.05);
                    source.flush();
                    sleep(250);
                }
            }, "fault-publisher");
            producer.start();
            try {
                assertThat(awaitCondition(() -> sink.pointsWritten() > 100, Duration.ofMinutes(1)))
                        .as("sink writing before the outage").isTrue();
                long retriesBefore = sink.storeRetries();
                long outageStart = System.nanoTime();
                store.outage(OUTAGE);
                Thread.sleep(OUTAGE.toMillis() + 3_000); // ingest goes on through the outage and a little after
                long outageEnd = outageStart + OUTAGE.toNanos();
                running.set(false);
                producer.join(30_000);
                watcher.join(30_000);
                source.flush();

                StoreAudit.Result audit = Fixtures.awaitConverged(source.ledger(), store, admin,
                        worker.config().applicationId(), sink.groupId(), TOPICS, Duration.ofMinutes(2));
                long retries = sink.storeRetries() - retriesBefore;
                long uncovered = uncoveredCommittedRecords(snapshots);
                // Commits seen while the store was down (a commit already in flight when it went down excepted).
                long commitsDuringOutage = commitsBetween(snapshots, outageStart + 1_000_000_000L, outageEnd);
                audit.into(report.events(source.events()).faults(1, "store refusing every operation for 30 s"))
                        .figure("operations refused", store.refused())
                        .figure("sink store retries", retries)
                        .figure("offset snapshots checked", snapshots.size())
                        .figure("committed records not yet durable", uncovered)
                        .figure("offset commits during the outage", commitsDuringOutage);

                Fixtures.assertClean(audit);
                assertThat(retries).as("store operations the sink retried").isPositive();
                assertThat(uncovered).as("records below a committed offset whose write was not durable").isZero();
                assertThat(commitsDuringOutage).as("offset commits while the store was down").isZero();
                assertThat(snapshots).as("offset snapshots").hasSizeGreaterThan(100);
                assertThat(sink.failure()).isNull();
            } finally {
                running.set(false);
            }
        });
    }

    /** Committed offsets of the sink group, read before the durable versions that must cover them. */
    private record Snapshot(long atNanos, Map<TopicPartition, Long> committed, Map<EntityKey, Long> durable) {
    }

    private void watch(AtomicBoolean running, List<Snapshot> out) {
        while (running.get()) {
            try {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(sink.groupId())
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                // Durable versions read after the offsets: a flush that completed before the commit is included.
                Map<EntityKey, Long> durable = store.durable();
                Map<TopicPartition, Long> committed = new HashMap<>();
                offsets.forEach((tp, o) -> committed.put(tp, o == null ? 0 : o.offset()));
                out.add(new Snapshot(System.nanoTime(), committed, durable));
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the sink's committed offsets", e);
            }
        }
    }

    /** Records below some snapshot's committed offset whose entity was not durable at their version by then. */
    private long uncoveredCommittedRecords(List<Snapshot> snapshots) {
        List<ConsumerRecord<byte[], byte[]>> records = readVectors();
        long uncovered = 0;
        for (Snapshot s : snapshots) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                Long committed = s.committed().get(new TopicPartition(r.topic(), r.partition()));
                if (committed == null || r.offset() >= committed || r.value() == null) {
                    continue;
                }
                EmbeddingRecord rec = EmbeddingRecordCodec.decode(r.value());
                Long durable = s.durable().get(rec.key());
                if (durable == null || durable < rec.version()) {
                    uncovered++;
                }
            }
        }
        return uncovered;
    }

    private static long commitsBetween(List<Snapshot> snapshots, long from, long to) {
        long advances = 0;
        Snapshot previous = null;
        for (Snapshot s : snapshots) {
            if (previous != null && s.atNanos() > from && s.atNanos() <= to
                    && !s.committed().equals(previous.committed())) {
                advances++;
            }
            previous = s;
        }
        return advances;
    }

    private List<ConsumerRecord<byte[], byte[]>> readVectors() {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(TOPICS.vectors(Fixtures.MODEL.id())).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    private static boolean awaitCondition(java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
